"""Activities as iCalendar (RFC 5545): the ``.ics`` a student downloads or gets attached to a
confirmation, and the personal calendar feed their calendar app subscribes to.

Every producer names an activity's event with the same ``UID`` (:func:`event_uid`), so a
calendar that has it from a mail attachment and from the feed keeps one event, and a change
(higher ``SEQUENCE``) or a cancellation (``STATUS:CANCELLED``) replaces it in place. Pure:
plain values in, bytes out (the ``icalendar`` package does the escaping and folding).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import icalendar

__all__ = ["CONTENT_TYPE", "CalendarEvent", "calendar", "event_uid"]

CONTENT_TYPE: Final = "text/calendar; charset=utf-8"
PRODUCT_ID: Final = "-//ESN//SocialErasmus Match//EN"
UID_DOMAIN: Final = "socialerasmus.esn.org"
REFRESH: Final = timedelta(hours=1)
"""How often subscribed calendars are asked to fetch the feed again."""


def event_uid(activity_id: str) -> str:
    """The one ``UID`` of an activity's event, whoever writes it."""
    return f"activity-{activity_id}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One activity as a calendar shows it. Times must be time-zone aware."""

    activity_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    organiser: str = ""
    """Shown as the event's organiser name (the ESN section); no address is published."""
    cancelled: bool = False
    sequence: int = 0
    """Grows with every change of the activity (its version), so calendars take the update."""
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            moment: datetime = getattr(self, name)
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError(f"CalendarEvent.{name} must be time-zone aware")


def _event(event: CalendarEvent, stamp: datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event.activity_id))
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_at)
    component.add("dtend", max(event.ends_at, event.starts_at))
    component.add("summary", event.title)
    component.add("sequence", max(0, event.sequence))
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.updated_at is not None:
        component.add("last-modified", event.updated_at)
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    return component


def calendar(events: Iterable[CalendarEvent], *, name: str, now: datetime) -> bytes:
    """A ``VCALENDAR`` of ``events`` (``METHOD:PUBLISH``: a copy to keep, not an invitation
    to answer), named ``name`` in calendar apps."""
    document = icalendar.Calendar()
    document.add("prodid", PRODUCT_ID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", name)
    document.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    document.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for event in events:
        document.add_component(_event(event, now))
    data: bytes = document.to_ical()
    return data
