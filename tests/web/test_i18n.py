"""The web app's languages: every phrase in every language fills in, choices fall back well."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.web.i18n import PHRASES, SUPPORTED_LOCALES, Translator, choose_locale
from services.web.locales import en

STUDENT_KEYS = [key for key in en.PHRASES if not key.startswith("coord.")]
NEUTRAL = {"app.name", "separator"}
"""The same in every language (a language may still write its own)."""
CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


def fields(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


def family(key: str) -> str:
    """A plural phrase's key without its category; other keys as they are."""
    base, _, last = key.rpartition(".")
    return base if last in CATEGORIES else key


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_language_words_what_students_see_with_the_same_fields(locale: str) -> None:
    phrases = PHRASES[locale]
    worded = {family(key) for key in phrases}
    assert [k for k in STUDENT_KEYS if k not in NEUTRAL and family(k) not in worded] == []
    reference = {family(key): pattern for key, pattern in en.PHRASES.items()}
    for key, pattern in phrases.items():
        assert fields(pattern) == fields(reference[family(key)]), (locale, key)


def test_choosing_a_language() -> None:
    assert choose_locale("", accept_language="de-CH,de;q=0.9,en;q=0.8") == "de"
    assert choose_locale("pt-BR") == "pt"
    assert choose_locale("nl", accept_language="nl, fr;q=0.5") == "fr"
    assert choose_locale("", accept_language="*;q=0, xx") == "en"
    assert choose_locale("es", "pl") == "es"


def test_dates_and_plurals_in_the_readers_terms() -> None:
    start = datetime(2027, 4, 10, 8, tzinfo=UTC)
    madrid = ZoneInfo("Europe/Madrid")
    assert Translator("en").when(start, start + timedelta(hours=3), madrid) == (
        "Saturday 10 April, 10:00\u201313:00 CEST"
    )
    assert "kwietnia" in Translator("pl").when(start, start + timedelta(hours=3), madrid)
    polish = Translator("pl")
    assert polish.plural("activity.seats_left", 3) == "Zostały 3 miejsca"
    assert polish.plural("activity.seats_left", 5) == "Zostało 5 miejsc"
    assert Translator("es").language("en") == "inglés"
    assert Translator("es").number(1.6) == "1,6"
