"""Every event the catalogue publishes, built from the catalogue's registry.

Subjects and message types are in ``services.runtime.registry.catalogue``, where matching
and notify find them too; who consumes each is said there. What the catalogue consumes
itself is in ``services.catalogue.subscriptions``.
"""

from __future__ import annotations

from services.runtime.events import OutgoingEvent, new_event_id, timestamp_now
from services.runtime.registry import catalogue
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, Enrolment, EnrolmentStatus


def activity_published(activity: Activity) -> OutgoingEvent:
    return catalogue.ACTIVITY_PUBLISHED.event(
        events_pb2.ActivityPublished(
            event_id=new_event_id(), occurred_at=timestamp_now(), activity=activity
        ),
    )


def activity_updated(activity: Activity, changed_fields: list[str]) -> OutgoingEvent:
    return catalogue.ACTIVITY_UPDATED.event(
        events_pb2.ActivityUpdated(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            activity=activity,
            changed_fields=changed_fields,
        ),
    )


def activity_cancelled(activity: Activity) -> OutgoingEvent:
    return catalogue.ACTIVITY_CANCELLED.event(
        events_pb2.ActivityCancelled(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            activity=activity,
            reason=activity.cancellation_reason,
        ),
    )


def activity_completed(activity: Activity) -> OutgoingEvent:
    return catalogue.ACTIVITY_COMPLETED.event(
        events_pb2.ActivityCompleted(
            event_id=new_event_id(), occurred_at=timestamp_now(), activity=activity
        ),
    )


def enrolment_confirmed(enrolment: Enrolment) -> OutgoingEvent:
    return catalogue.ENROLMENT_CONFIRMED.event(
        events_pb2.EnrolmentConfirmed(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )


def enrolment_waitlisted(enrolment: Enrolment) -> OutgoingEvent:
    return catalogue.ENROLMENT_WAITLISTED.event(
        events_pb2.EnrolmentWaitlisted(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )


def enrolment_cancelled(enrolment: Enrolment, previous: EnrolmentStatus.ValueType) -> OutgoingEvent:
    return catalogue.ENROLMENT_CANCELLED.event(
        events_pb2.EnrolmentCancelled(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            enrolment=enrolment,
            previous_status=previous,
        ),
    )


def enrolment_promoted(enrolment: Enrolment) -> OutgoingEvent:
    return catalogue.ENROLMENT_PROMOTED.event(
        events_pb2.EnrolmentPromoted(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )


def enrolment_erased(activity_id: str, previous: EnrolmentStatus.ValueType) -> OutgoingEvent:
    """A place freed by erasure: no student is named (the script adds the seats)."""
    return catalogue.ENROLMENT_ERASED.event(
        events_pb2.EnrolmentErased(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            activity_id=activity_id,
            previous_status=previous,
        ),
    )


def attendance_marked(enrolment: Enrolment) -> OutgoingEvent:
    return catalogue.ATTENDANCE_MARKED.event(
        events_pb2.AttendanceMarked(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )
