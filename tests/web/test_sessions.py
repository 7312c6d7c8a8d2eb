"""Sessions, calendar addresses and form tokens never stand in for each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.web import sessions
from services.web.sessions import SessionKind

SECRET = b"s" * 32
NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)


def test_a_student_session_lasts_its_days_and_a_coordinators_twelve_hours() -> None:
    student = sessions.session_cookie(SECRET, SessionKind.STUDENT, "ana", NOW)
    found = sessions.read_session(SECRET, student, NOW + timedelta(days=13), 14)
    assert found is not None and found.student_id == "ana" and found.token == ""
    assert sessions.read_session(SECRET, student, NOW + timedelta(days=15), 14) is None
    coordinator = sessions.session_cookie(SECRET, SessionKind.TOKEN, "tok:en", NOW)
    found = sessions.read_session(SECRET, coordinator, NOW + timedelta(hours=11), 14)
    assert found is not None and found.token == "tok:en" and found.student_id == ""
    assert sessions.read_session(SECRET, coordinator, NOW + timedelta(hours=13), 14) is None


def test_no_token_passes_for_another_kind() -> None:
    session = sessions.session_cookie(SECRET, SessionKind.STUDENT, "ana", NOW)
    feed = sessions.calendar_token(SECRET, "ana")
    assert sessions.read_session(SECRET, feed, NOW, 14) is None
    assert sessions.read_calendar_token(SECRET, session, NOW) is None


def test_the_calendar_address_is_stable_and_does_not_expire() -> None:
    assert sessions.calendar_token(SECRET, "ana") == sessions.calendar_token(SECRET, "ana")
    feed = sessions.calendar_token(SECRET, "ana")
    assert sessions.read_calendar_token(SECRET, feed, NOW + timedelta(days=3000)) == "ana"
    assert sessions.read_calendar_token(b"t" * 32, feed, NOW) is None


def test_a_form_token_belongs_to_one_session() -> None:
    first = sessions.read_session(
        SECRET, sessions.session_cookie(SECRET, SessionKind.STUDENT, "ana", NOW), NOW, 14
    )
    second = sessions.read_session(
        SECRET, sessions.session_cookie(SECRET, SessionKind.STUDENT, "ben", NOW), NOW, 14
    )
    assert first is not None and second is not None
    token = sessions.form_token(SECRET, first)
    assert sessions.form_token_matches(SECRET, first, token)
    assert not sessions.form_token_matches(SECRET, second, token)
