"""Every event the catalogue publishes, in one place: subjects and builders.

Consumers: matching (activity.* for its index, enrolment.* for feedback and seats) and
notify (enrolment.* for confirmations and reminders, activity.* for changes).

The catalogue consumes two streams itself: matching's erasures (``ERASURES``: erase the
student's enrolments, keep a tombstone) and its own enrolment events (``ENROLMENT_MESSAGES``:
remember which CATALOGUE messages name which student, so erasure can delete them; the stream
is kept without limit, as matching rebuilds its index from it).
"""

from __future__ import annotations

from services.runtime.bus import ConsumerSpec
from services.runtime.erasure import erasure_consumer
from services.runtime.events import OutgoingEvent, event_of, new_event_id, timestamp_now
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, Enrolment, EnrolmentStatus

ACTIVITY_PUBLISHED = "se.catalogue.activity.published"
ACTIVITY_UPDATED = "se.catalogue.activity.updated"
ACTIVITY_CANCELLED = "se.catalogue.activity.cancelled"
ACTIVITY_COMPLETED = "se.catalogue.activity.completed"
ENROLMENT_CONFIRMED = "se.catalogue.enrolment.confirmed"
ENROLMENT_WAITLISTED = "se.catalogue.enrolment.waitlisted"
ENROLMENT_CANCELLED = "se.catalogue.enrolment.cancelled"
ENROLMENT_PROMOTED = "se.catalogue.enrolment.promoted"
ENROLMENT_ERASED = "se.catalogue.enrolment.erased"

ERASURES = erasure_consumer("catalogue-erasures")
ENROLMENT_MESSAGES = ConsumerSpec(
    durable="catalogue-enrolment-messages",
    stream="CATALOGUE",
    subjects=("se.catalogue.enrolment.>",),
)
CONSUMERS = (ERASURES, ENROLMENT_MESSAGES)


def activity_published(activity: Activity) -> OutgoingEvent:
    return event_of(
        ACTIVITY_PUBLISHED,
        events_pb2.ActivityPublished(
            event_id=new_event_id(), occurred_at=timestamp_now(), activity=activity
        ),
    )


def activity_updated(activity: Activity, changed_fields: list[str]) -> OutgoingEvent:
    return event_of(
        ACTIVITY_UPDATED,
        events_pb2.ActivityUpdated(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            activity=activity,
            changed_fields=changed_fields,
        ),
    )


def activity_cancelled(activity: Activity) -> OutgoingEvent:
    return event_of(
        ACTIVITY_CANCELLED,
        events_pb2.ActivityCancelled(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            activity=activity,
            reason=activity.cancellation_reason,
        ),
    )


def activity_completed(activity: Activity) -> OutgoingEvent:
    return event_of(
        ACTIVITY_COMPLETED,
        events_pb2.ActivityCompleted(
            event_id=new_event_id(), occurred_at=timestamp_now(), activity=activity
        ),
    )


def enrolment_confirmed(enrolment: Enrolment) -> OutgoingEvent:
    return event_of(
        ENROLMENT_CONFIRMED,
        events_pb2.EnrolmentConfirmed(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )


def enrolment_waitlisted(enrolment: Enrolment) -> OutgoingEvent:
    return event_of(
        ENROLMENT_WAITLISTED,
        events_pb2.EnrolmentWaitlisted(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )


def enrolment_cancelled(enrolment: Enrolment, previous: EnrolmentStatus.ValueType) -> OutgoingEvent:
    return event_of(
        ENROLMENT_CANCELLED,
        events_pb2.EnrolmentCancelled(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            enrolment=enrolment,
            previous_status=previous,
        ),
    )


def enrolment_promoted(enrolment: Enrolment) -> OutgoingEvent:
    return event_of(
        ENROLMENT_PROMOTED,
        events_pb2.EnrolmentPromoted(
            event_id=new_event_id(), occurred_at=timestamp_now(), enrolment=enrolment
        ),
    )


def enrolment_erased(activity_id: str, previous: EnrolmentStatus.ValueType) -> OutgoingEvent:
    """A place freed by erasure: no student is named (the script adds the seats)."""
    return event_of(
        ENROLMENT_ERASED,
        events_pb2.EnrolmentErased(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            activity_id=activity_id,
            previous_status=previous,
        ),
    )
