"""The catalogue's events (``socialerasmus.catalogue.v1``, stream CATALOGUE).

Producer: the catalogue (``services.catalogue.events`` builds them). Consumers, each in its
``subscriptions.py``: matching (every event, for its index; published, for reverse
matching; enrolments, for its exclusions; attendance, as ATTENDED feedback to learn from),
notify (activities and enrolments naming a student) and the catalogue itself (enrolments and
attendance naming a student, for their erasure).
"""

from __future__ import annotations

from typing import Final

from services.runtime.registry import Registry
from socialerasmus.catalogue.v1 import events_pb2 as pb

EVENTS: Final = Registry("se.catalogue.>")

ACTIVITY_PUBLISHED: Final = EVENTS.add("se.catalogue.activity.published", pb.ActivityPublished)
ACTIVITY_UPDATED: Final = EVENTS.add("se.catalogue.activity.updated", pb.ActivityUpdated)
ACTIVITY_CANCELLED: Final = EVENTS.add("se.catalogue.activity.cancelled", pb.ActivityCancelled)
ACTIVITY_COMPLETED: Final = EVENTS.add("se.catalogue.activity.completed", pb.ActivityCompleted)
ENROLMENT_CONFIRMED: Final = EVENTS.add("se.catalogue.enrolment.confirmed", pb.EnrolmentConfirmed)
ENROLMENT_WAITLISTED: Final = EVENTS.add(
    "se.catalogue.enrolment.waitlisted", pb.EnrolmentWaitlisted
)
ENROLMENT_CANCELLED: Final = EVENTS.add("se.catalogue.enrolment.cancelled", pb.EnrolmentCancelled)
ENROLMENT_PROMOTED: Final = EVENTS.add("se.catalogue.enrolment.promoted", pb.EnrolmentPromoted)
ENROLMENT_ERASED: Final = EVENTS.add("se.catalogue.enrolment.erased", pb.EnrolmentErased)
"""A place freed by an erasure: the only enrolment event that names no student."""
ATTENDANCE_MARKED: Final = EVENTS.add("se.catalogue.attendance.marked", pb.AttendanceMarked)
"""Whether a confirmed student attended: a new mark, or a corrected one."""
