"""The ``.ics`` a confirmation carries, so the activity lands in the student's calendar.

Its event has the activity's one ``UID`` (:mod:`services.kernel.ics`), as the web app's
calendar feed has it, so a calendar keeps one event; the feed, which follows every change and
cancellation with a higher ``SEQUENCE``, then updates it. Pure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from services.kernel.ics import CalendarEvent, calendar
from services.notify.messages import ActivityFacts, MessageKind

WITH_CALENDAR: Final = frozenset({MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_PROMOTED})
"""The messages that give a student a place."""


def calendar_file(
    kind: MessageKind, activity: ActivityFacts | None, now: datetime
) -> tuple[str, bytes] | None:
    """The file name and content of the attachment, for a message that gives a place."""
    if kind not in WITH_CALENDAR or activity is None:
        return None
    place = ", ".join(p.strip() for p in (activity.venue, activity.city) if p.strip())
    event = CalendarEvent(
        activity_id=activity.activity_id,
        title=activity.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        location="Online" if activity.online else place,
        url=activity.url,
    )
    return f"socialerasmus-{activity.activity_id}.ics", calendar(
        [event], name=activity.title, now=now
    )
