"""Activities as iCalendar: one UID per activity, updates and cancellations in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from services.kernel.ics import CalendarEvent, calendar, event_uid

START = datetime(2027, 4, 10, 8, 0, tzinfo=UTC)
NOW = datetime(2027, 4, 1, tzinfo=UTC)


def beach(**changes: object) -> CalendarEvent:
    values: dict[str, object] = {
        "activity_id": "01JBEACH",
        "title": "Beach clean-up, La Malvarrosa; bring water",
        "starts_at": START,
        "ends_at": START + timedelta(hours=3),
        "location": "Playa de la Malvarrosa, Valencia",
        "url": "http://127.0.0.1:8000/activities/01JBEACH",
    }
    return CalendarEvent(**(values | changes))  # type: ignore[arg-type]


def parsed(data: bytes) -> list[icalendar.Component]:
    document = icalendar.Calendar.from_ical(data)
    return document.walk("VEVENT")


def test_an_event_round_trips_with_its_facts() -> None:
    [event] = parsed(calendar([beach()], name="SocialErasmus", now=NOW))
    assert str(event["uid"]) == event_uid("01JBEACH")
    assert str(event["summary"]) == "Beach clean-up, La Malvarrosa; bring water"
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") == START + timedelta(hours=3)
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "Playa de la Malvarrosa, Valencia"


def test_a_change_and_a_cancellation_keep_the_uid() -> None:
    first, changed, cancelled = (
        parsed(calendar([e], name="x", now=NOW))[0]
        for e in (beach(), beach(sequence=2), beach(sequence=3, cancelled=True))
    )
    assert first["uid"] == changed["uid"] == cancelled["uid"]
    assert changed.decoded("sequence") == 2
    assert str(cancelled["status"]) == "CANCELLED"


def test_the_calendar_asks_to_be_refreshed() -> None:
    document = icalendar.Calendar.from_ical(calendar([], name="Mine", now=NOW))
    assert str(document["method"]) == "PUBLISH"
    assert str(document["x-wr-calname"]) == "Mine"
    assert "REFRESH-INTERVAL" in document


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        beach(starts_at=START.replace(tzinfo=None))
