"""Validation of notification preferences."""

from __future__ import annotations

import pytest

from services.notify.validation import validate_preferences
from services.runtime.errors import InvalidArgument
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_CULTURE,
    CAUSE_SOCIAL_INCLUSION,
    CAUSE_UNSPECIFIED,
    Cause,
)
from socialerasmus.notify.v1.notify_pb2 import (
    FREQUENCY_DAILY_DIGEST,
    FREQUENCY_INSTANT,
    FREQUENCY_UNSPECIFIED,
    Preferences,
    QuietHours,
)


def valid() -> Preferences:
    return Preferences(
        student_id="ana",
        email="ana@example.org",
        webhook_url="https://hooks.example.org/se",
        in_app=True,
        locale="pt-BR",
        time_zone="Europe/Madrid",
        frequency=FREQUENCY_DAILY_DIGEST,
        quiet_hours=QuietHours(start_minute=22 * 60, end_minute=8 * 60),
        weekly_suggestion_budget=3,
        muted_causes=[CAUSE_CULTURE, CAUSE_SOCIAL_INCLUSION],
    )


def fields_of(p: Preferences, prefix: str = "preferences") -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        validate_preferences(p, prefix)
    return {v.field: v.description for v in caught.value.violations}


def test_valid_preferences_pass() -> None:
    validate_preferences(valid())


def test_minimal_preferences_pass() -> None:
    validate_preferences(
        Preferences(student_id="ben", locale="en", time_zone="UTC", frequency=FREQUENCY_INSTANT)
    )


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    p = Preferences(
        student_id="",
        email="not-an-address",
        webhook_url="http://hooks.example.org/",
        locale="EN",
        time_zone="Mars/Olympus",
        frequency=FREQUENCY_UNSPECIFIED,
        quiet_hours=QuietHours(start_minute=-1, end_minute=1441),
        weekly_suggestion_budget=51,
        muted_causes=[CAUSE_CULTURE, CAUSE_UNSPECIFIED, Cause.ValueType(99), CAUSE_CULTURE],
    )
    assert set(fields_of(p)) == {
        "preferences.student_id",
        "preferences.email",
        "preferences.webhook_url",
        "preferences.locale",
        "preferences.time_zone",
        "preferences.frequency",
        "preferences.quiet_hours.start_minute",
        "preferences.quiet_hours.end_minute",
        "preferences.weekly_suggestion_budget",
        "preferences.muted_causes[1]",
        "preferences.muted_causes[2]",
        "preferences.muted_causes[3]",
    }


def test_field_prefix_is_used() -> None:
    p = valid()
    p.locale = ""
    assert fields_of(p, "request.preferences") == {"request.preferences.locale": "required"}


@pytest.mark.parametrize("student_id", ["ana maria", "x" * 129, "ana/../ben", "{ana}"])
def test_bad_student_ids(student_id: str) -> None:
    p = valid()
    p.student_id = student_id
    assert set(fields_of(p)) == {"preferences.student_id"}


@pytest.mark.parametrize("email", ["", "a@b.co", "ana.maria+se@uni.example.org"])
def test_good_emails(email: str) -> None:
    p = valid()
    p.email = email
    validate_preferences(p)


@pytest.mark.parametrize(
    "email",
    [
        "ana",
        "ana@",
        "@example.org",
        "ana@example",
        "ana@@example.org",
        "ana @example.org",
        "ana@exa\nmple.org",
        "a@" + "b" * 250 + ".org",
    ],
)
def test_bad_emails(email: str) -> None:
    p = valid()
    p.email = email
    assert set(fields_of(p)) == {"preferences.email"}


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://hooks.example.org/se?x=1",
        "https://hooks.example.org:8443/se",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9000/hook",
    ],
)
def test_good_webhook_urls(url: str) -> None:
    p = valid()
    p.webhook_url = url
    validate_preferences(p)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/",
        "http://127.0.0.2/",
        "ftp://hooks.example.org/",
        "hooks.example.org/hook",
        "https:///path-only",
        "https://user:pw@hooks.example.org/",
        "https://hooks.example.org:99999/",
        "https://hooks.example.org/a b",
        "https://hooks.example.org/#frag",
        "https://hooks.example.org/" + "a" * 2000,
        "javascript:alert(1)",
    ],
)
def test_bad_webhook_urls(url: str) -> None:
    p = valid()
    p.webhook_url = url
    assert set(fields_of(p)) == {"preferences.webhook_url"}


@pytest.mark.parametrize("locale", ["en", "es", "pt-BR"])
def test_good_locales(locale: str) -> None:
    p = valid()
    p.locale = locale
    validate_preferences(p)


@pytest.mark.parametrize("locale", ["", "EN", "eng", "pt-br", "pt_BR", "pt-BRA", "zh-Hant"])
def test_bad_locales(locale: str) -> None:
    p = valid()
    p.locale = locale
    assert set(fields_of(p)) == {"preferences.locale"}


@pytest.mark.parametrize("zone", ["", "localtime", "Factory", "Europe/Nowhere", "utc+2"])
def test_bad_time_zones(zone: str) -> None:
    p = valid()
    p.time_zone = zone
    assert set(fields_of(p)) == {"preferences.time_zone"}


def test_unknown_frequency() -> None:
    p = valid()
    p.frequency = 7  # type: ignore[assignment]
    assert fields_of(p) == {"preferences.frequency": "unknown value 7"}


@pytest.mark.parametrize(("start", "end"), [(0, 0), (0, 1440), (1440, 480), (600, 600)])
def test_quiet_hour_bounds_are_accepted(start: int, end: int) -> None:
    p = valid()
    p.quiet_hours.CopyFrom(QuietHours(start_minute=start, end_minute=end))
    validate_preferences(p)


@pytest.mark.parametrize("budget", [0, 50])
def test_budget_bounds_are_accepted(budget: int) -> None:
    p = valid()
    p.weekly_suggestion_budget = budget
    validate_preferences(p)


@pytest.mark.parametrize("budget", [-1, 51])
def test_budget_out_of_range(budget: int) -> None:
    p = valid()
    p.weekly_suggestion_budget = budget
    assert set(fields_of(p)) == {"preferences.weekly_suggestion_budget"}


def test_duplicate_muted_cause_names_its_first_occurrence() -> None:
    p = valid()
    p.muted_causes.append(CAUSE_CULTURE)
    assert fields_of(p) == {
        "preferences.muted_causes[2]": "duplicate of preferences.muted_causes[0]"
    }


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("A" * 65, "at most 64"),
        ("Ana\nMaría", "single line"),
        ("Ana\x07", "single line"),
        ("   ", "at least 1"),
        ("\u202eanA", "text-direction"),
        ("Ana\u2066x\u2069", "text-direction"),
    ],
)
def test_a_display_name_is_one_short_line_of_plain_text(name: str, problem: str) -> None:
    p = valid()
    p.display_name = name
    found = fields_of(p)
    assert set(found) == {"preferences.display_name"}
    assert problem in found["preferences.display_name"]


@pytest.mark.parametrize("name", ["", "Ana", "José María", "Zoë O'Neill-Łukasz", "Ayşe", "A" * 64])
def test_display_names_people_have_pass(name: str) -> None:
    p = valid()
    p.display_name = name
    validate_preferences(p)
