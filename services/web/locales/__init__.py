"""The web app's words, one module per language (``PHRASES``: key to ``str.format`` pattern).

English (:mod:`.en`) is the reference: every key is there, and a phrase another language lacks
shows in English. Plural phrases have one key per CLDR plural category (``.one``, ``.few``,
``.many``, ``.other``). Dates, numbers and language names are not here: Babel writes them.
The coordinators' pages (``coord.*``) are in English only for now.
"""
