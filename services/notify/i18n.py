"""Languages of notifications: choosing a catalogue and looking phrases up in it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from services.notify.locales import Catalogue, de, en, es, fr, it, pl, pt, tr

__all__ = [
    "CATALOGUES",
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "Translator",
    "resolve_locale",
]

DEFAULT_LOCALE: Final = "en"

CATALOGUES: Final[Mapping[str, Catalogue]] = MappingProxyType(
    {
        catalogue.code: catalogue
        for catalogue in (
            en.CATALOGUE,
            es.CATALOGUE,
            it.CATALOGUE,
            de.CATALOGUE,
            fr.CATALOGUE,
            pt.CATALOGUE,
            pl.CATALOGUE,
            tr.CATALOGUE,
        )
    }
)

SUPPORTED_LOCALES: Final[tuple[str, ...]] = tuple(CATALOGUES)

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")


def resolve_locale(tag: str, catalogues: Mapping[str, Catalogue] = CATALOGUES) -> str:
    """The catalogue for a language tag: "pt-BR" and "pt_PT" → "pt"; "nl", "" → "en"."""
    language = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    if _LANGUAGE.fullmatch(language) and language in catalogues:
        return language
    return DEFAULT_LOCALE


class Translator:
    """Phrases of one language, falling back to English phrase by phrase.

    Call it with a key and the phrase's named fields: ``t("reminder.subject", title=...)``.
    A key English lacks too is a bug and raises :class:`KeyError`.
    """

    __slots__ = ("_catalogue", "_fallback")

    def __init__(self, locale: str, catalogues: Mapping[str, Catalogue] = CATALOGUES) -> None:
        self._catalogue = catalogues[resolve_locale(locale, catalogues)]
        self._fallback = catalogues[DEFAULT_LOCALE]

    @property
    def locale(self) -> str:
        return self._catalogue.code

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def __call__(self, key: str, /, **values: object) -> str:
        pattern = self._catalogue.phrases.get(key)
        if pattern is None:
            pattern = self._fallback.phrases[key]
        return pattern.format(**values) if values else pattern

    def has(self, key: str) -> bool:
        return key in self._catalogue.phrases or key in self._fallback.phrases

    def plural(self, key: str, count: int, /, **values: object) -> str:
        """The phrase ``key.<category>`` for ``count`` (also passed as ``{count}``)."""
        phrases = self._catalogue.phrases
        for candidate in (f"{key}.{self._catalogue.plural(count)}", f"{key}.other"):
            if candidate in phrases:
                return phrases[candidate].format(count=count, **values)
        category = self._fallback.plural(count)
        return self._fallback.phrases[f"{key}.{category}"].format(count=count, **values)

    def cause(self, cause: int) -> str | None:
        """The name of an ESN cause by its ``Cause`` value; ``None`` when unknown."""
        key = f"cause.{cause}"
        return self(key) if self.has(key) else None

    def field(self, name: str) -> str:
        """The label of an ``ActivityDetails`` field; unknown names are made readable."""
        key = f"field.{name}"
        if self.has(key):
            return self(key)
        return name.replace("_", " ").strip().capitalize()
