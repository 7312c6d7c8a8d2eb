"""The web app's languages: the eight notify writes in, chosen per request.

As notify does it: one module of phrases per language (:mod:`services.web.locales`), looked up
by key with named fields, falling back to English phrase by phrase, so a template is written
once for every language. What CLDR already knows (dates, month and weekday names, numbers,
language names, how a list is joined, plural categories) comes from Babel instead of being
written out per language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Final

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal

from services.web.locales import de, en, es, fr, it, pl, pt, tr

__all__ = ["DEFAULT_LOCALE", "LANGUAGE_NAMES", "SUPPORTED_LOCALES", "Translator", "choose_locale"]

DEFAULT_LOCALE: Final = "en"

PHRASES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "en": en.PHRASES,
        "es": es.PHRASES,
        "it": it.PHRASES,
        "de": de.PHRASES,
        "fr": fr.PHRASES,
        "pt": pt.PHRASES,
        "pl": pl.PHRASES,
        "tr": tr.PHRASES,
    }
)
SUPPORTED_LOCALES: Final[tuple[str, ...]] = tuple(PHRASES)

_CLDR: Final = {"en": "en_GB", "pt": "pt_PT"}
"""The CLDR locale of each language: European English and Portuguese (24-hour clocks, day
before month), as ESN's students meet them."""

LANGUAGE_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        code: (name := Locale.parse(code).get_display_name(code) or code)[:1].upper() + name[1:]
        for code in SUPPORTED_LOCALES
    }
)
"""Each language in itself ("Español"), for the language menu."""

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")
_ACCEPT_ITEM = re.compile(r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q=([0-9.]+))?\s*")


def resolve_locale(tag: str) -> str | None:
    """The supported language of a tag ("pt-BR" and "pt_PT" give "pt"), or None."""
    language = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    if _LANGUAGE.fullmatch(language) and language in PHRASES:
        return language
    return None


def _accepted(header: str) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first."""
    weighted = []
    for position, item in enumerate(header.split(",")[:20]):
        match = _ACCEPT_ITEM.fullmatch(item)
        if match is None:
            continue
        try:
            quality = float(match.group(2) or 1)
        except ValueError:
            continue
        if quality > 0:
            weighted.append((-quality, position, match.group(1)))
    return [tag for _, _, tag in sorted(weighted)]


def choose_locale(*chosen: str, accept_language: str = "") -> str:
    """The first supported of the tags the person chose (a menu choice, their notification
    language), else of what their browser asks for, else English."""
    for tag in (*chosen, *_accepted(accept_language)):
        if tag and (locale := resolve_locale(tag)) is not None:
            return locale
    return DEFAULT_LOCALE


class Translator:
    """Phrases and formats of one language; call it with a key and the phrase's fields."""

    __slots__ = ("_cldr", "_fallback", "_phrases", "locale")

    def __init__(self, locale: str) -> None:
        self.locale = resolve_locale(locale) or DEFAULT_LOCALE
        self._phrases = PHRASES[self.locale]
        self._fallback = PHRASES[DEFAULT_LOCALE]
        self._cldr = Locale.parse(_CLDR.get(self.locale, self.locale))

    def __call__(self, key: str, /, **values: object) -> str:
        pattern = self._phrases.get(key)
        if pattern is None:
            pattern = self._fallback[key]  # a key English lacks is a bug: KeyError
        return pattern.format(**values) if values else pattern

    def has(self, key: str) -> bool:
        return key in self._phrases or key in self._fallback

    def plural(self, key: str, count: int, /, **values: object) -> str:
        """The phrase ``key.<CLDR plural category>`` for ``count`` (also ``{count}``)."""
        category = self._cldr.plural_form(count)
        for phrases in (self._phrases, self._fallback):
            for candidate in (f"{key}.{category}", f"{key}.other"):
                if candidate in phrases:
                    return phrases[candidate].format(count=count, **values)
        raise KeyError(key)

    def cause(self, cause: int) -> str:
        """An ESN cause by its ``Cause`` value."""
        key = f"cause.{cause}"
        return self(key) if self.has(key) else str(cause)

    def language(self, code: str) -> str:
        """A language by ISO 639-1 code, in this language ("inglés")."""
        return str(self._cldr.languages.get(code.lower(), code.upper()))

    def and_list(self, words: Sequence[str]) -> str:
        return format_list(list(words), locale=self._cldr) if words else ""

    def number(self, value: float, digits: int = 1) -> str:
        return format_decimal(
            round(value, digits), format=f"#,##0.{'#' * digits}", locale=self._cldr
        )

    def weekday(self, iso_weekday: int) -> str:
        """1 is Monday."""
        return str(self._cldr.days["format"]["wide"][(iso_weekday - 1) % 7])

    def day(self, moment: datetime, zone: tzinfo) -> str:
        """ "Sat, 10 April" in the language's way."""
        return format_skeleton("MMMMEEEd", moment, tzinfo=zone, locale=self._cldr)

    def time(self, moment: datetime, zone: tzinfo) -> str:
        return format_time(moment, "short", tzinfo=zone, locale=self._cldr)

    def moment(self, moment: datetime, zone: tzinfo) -> str:
        """ "Sat, 10 April, 10:00"."""
        return f"{self.day(moment, zone)}, {self.time(moment, zone)}"

    def month(self, moment: datetime) -> str:
        """ "April 2027"."""
        return format_skeleton("yMMMM", moment, locale=self._cldr)

    def when(self, starts: datetime, ends: datetime, zone: tzinfo) -> str:
        """A span on the given clock: "Sat, 10 April, 10:00-13:00 CEST" (an en dash), or over
        days."""
        start, end = starts.astimezone(zone), ends.astimezone(zone)
        label = start.strftime("%Z")
        if start.date() == end.date():
            return (
                f"{self.day(start, zone)}, {self.time(start, zone)}\u2013{self.time(end, zone)}"
                f" {label}"
            )
        return (
            f"{self.day(start, zone)}, {self.time(start, zone)} \u2013 "
            f"{self.day(end, zone)}, {self.time(end, zone)} {label}"
        )
