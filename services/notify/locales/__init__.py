"""Message catalogues: the words of every notification, one module per language.

The layouts live once in ``services/notify/templates``; a catalogue holds only what
changes with the language: phrases by key, the names of weekdays and months, how a date
and a time span are written, and the plural rule. Phrases are ``str.format`` patterns
with named fields (``{title}``, ``{count}``, ``{position}``). A plural phrase has one key
per plural category (``digest.intro.one``, ``digest.intro.other``; Polish adds ``few``
and ``many``). A phrase a catalogue lacks falls back to English
(:class:`services.notify.i18n.Translator`). Besides phrases, the reasons of a suggestion need
the names of languages, the decimal mark and the language's way of saying "a, b and c".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Catalogue",
    "joined_with",
    "plural_one_other",
    "plural_polish",
    "plural_zero_one_other",
]

WEEKDAYS_PER_WEEK = 7
MONTHS_PER_YEAR = 12


def plural_one_other(count: int) -> str:
    """English, German, Spanish, Italian, Turkish: "one" for 1, else "other"."""
    return "one" if count == 1 else "other"


def plural_zero_one_other(count: int) -> str:
    """French and Portuguese: "one" for 0 and 1, else "other"."""
    return "one" if count in (0, 1) else "other"


def plural_polish(count: int) -> str:
    """Polish: 1 → one; 2-4, 22-24, … (not 12-14) → few; else many."""
    if count == 1:
        return "one"
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return "few"
    return "many"


def joined_with(conjunction: str) -> Callable[[Sequence[str]], str]:
    """Lists with the language's "and": ``joined_with("und")(["a", "b", "c"])`` is
    "a, b und c"."""

    def join(words: Sequence[str]) -> str:
        if len(words) <= 1:
            return "".join(words)
        return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"

    return join


_ENGLISH_AND = joined_with("and")


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """The words and date conventions of one language.

    Date patterns use ``{weekday}``, ``{day}`` and ``{month}``; the ``*_format`` patterns
    use ``{date}``, ``{start}``, ``{end}``, ``{start_date}``, ``{end_date}`` and ``{zone}``.
    """

    code: str
    phrases: Mapping[str, str]
    weekdays: tuple[str, ...]
    """Monday first, as ``datetime.weekday()`` counts."""
    months: tuple[str, ...]
    """January first, in the form a date uses (Polish genitive: "kwietnia")."""
    plural: Callable[[int], str]
    date_format: str
    range_format: str = "{date}, {start}\u2013{end} ({zone})"
    """A span within one day."""
    span_format: str = "{start_date}, {start} \u2013 {end_date}, {end} ({zone})"
    """A span over several days."""
    moment_format: str = "{date}, {start} ({zone})"
    """A start without a (later) end."""
    day_names: Mapping[int, str] = field(default_factory=dict)
    """Days of the month written otherwise than as a number (French "1er")."""
    decimal_mark: str = "."
    """Between the units and the tenths of a number: "1.6" in English, "1,6" in Spanish."""
    languages: Mapping[str, str] = field(default_factory=dict)
    """Names of languages by ISO 639-1 code, in the form the phrase ``fact.languages`` lists
    them in (Polish: the adverb, "po angielsku"); an unlisted code shows in capitals."""
    and_list: Callable[[Sequence[str]], str] = _ENGLISH_AND
    """Words joined as the language lists them: "a, b and c"."""

    def __post_init__(self) -> None:
        if len(self.weekdays) != WEEKDAYS_PER_WEEK:
            raise ValueError(f"catalogue {self.code}: needs 7 weekday names")
        if len(self.months) != MONTHS_PER_YEAR:
            raise ValueError(f"catalogue {self.code}: needs 12 month names")
