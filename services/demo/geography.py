"""Where the demo sections are (``data/geography.toml``): the language and time zone of a
section's city, and how its name reads in a title."""

from __future__ import annotations

from typing import Final

from services.demo.files import read_toml
from services.kernel.sections import Section

__all__ = ["city_name", "language_of", "time_zone_of"]

_DATA: Final = read_toml("geography.toml")
_FALLBACK_LANGUAGE: Final[str] = _DATA["fallback_language"]
_FALLBACK_TIME_ZONE: Final[str] = _DATA["fallback_time_zone"]
_LANGUAGES: Final[dict[str, str]] = _DATA["languages"]
_TIME_ZONES: Final[dict[str, str]] = _DATA["time_zones"]
_CITY_NAMES: Final[dict[str, str]] = _DATA["city_names"]


def _by_city(table: dict[str, dict[str, str]]) -> dict[tuple[str, str], str]:
    return {
        (country, city): value
        for country, cities in table.items()
        for city, value in cities.items()
    }


_CITY_LANGUAGES: Final = _by_city(_DATA["city_languages"])
_CITY_TIME_ZONES: Final = _by_city(_DATA["city_time_zones"])


def language_of(section: Section) -> str:
    """The main local language of a section's city (ISO 639-1), English when unknown."""
    key = (section.country_code, section.city.casefold())
    return _CITY_LANGUAGES.get(key) or _LANGUAGES.get(section.country_code, _FALLBACK_LANGUAGE)


def time_zone_of(section: Section) -> str:
    """The IANA time zone of a section's city, Europe/Brussels when unknown."""
    key = (section.country_code, section.city.casefold())
    return _CITY_TIME_ZONES.get(key) or _TIME_ZONES.get(section.country_code, _FALLBACK_TIME_ZONE)


def city_name(section: Section) -> str:
    """The section's city as a title names it: accounts.esn.org lists a few oddly."""
    return _CITY_NAMES.get(section.city, section.city)
