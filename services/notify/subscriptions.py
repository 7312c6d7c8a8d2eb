"""What the notify service does with the events it consumes: decode, then hand to the intake."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from nats.aio.msg import Msg

from services.catalogue import events as catalogue
from services.matching import events as matching
from services.notify.intake import Intake
from services.notify.messages import MessageKind
from services.runtime.bus import Handler
from services.runtime.erasure import Tombstones, apply_erasure_event
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.matching.v1 import events_pb2 as matching_events


def _when(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


def catalogue_facts(intake: Intake) -> Handler:
    """se.catalogue.activity.* and se.catalogue.enrolment.*."""

    async def handle(message: Msg) -> None:
        subject, data = message.subject, message.data
        if subject == catalogue.ENROLMENT_CONFIRMED:
            confirmed = events_pb2.EnrolmentConfirmed.FromString(data)
            await intake.enrolment_changed(
                MessageKind.ENROLMENT_CONFIRMED, confirmed.enrolment, _when(confirmed.occurred_at)
            )
        elif subject == catalogue.ENROLMENT_WAITLISTED:
            waiting = events_pb2.EnrolmentWaitlisted.FromString(data)
            await intake.enrolment_changed(
                MessageKind.ENROLMENT_WAITLISTED, waiting.enrolment, _when(waiting.occurred_at)
            )
        elif subject == catalogue.ENROLMENT_PROMOTED:
            promoted = events_pb2.EnrolmentPromoted.FromString(data)
            await intake.enrolment_changed(
                MessageKind.ENROLMENT_PROMOTED, promoted.enrolment, _when(promoted.occurred_at)
            )
        elif subject == catalogue.ENROLMENT_CANCELLED:
            await intake.enrolment_cancelled(
                events_pb2.EnrolmentCancelled.FromString(data).enrolment
            )
        elif subject == catalogue.ACTIVITY_PUBLISHED:
            await intake.activity_published(events_pb2.ActivityPublished.FromString(data).activity)
        elif subject == catalogue.ACTIVITY_UPDATED:
            updated = events_pb2.ActivityUpdated.FromString(data)
            await intake.activity_updated(
                updated.activity, updated.changed_fields, _when(updated.occurred_at)
            )
        elif subject == catalogue.ACTIVITY_CANCELLED:
            cancelled = events_pb2.ActivityCancelled.FromString(data)
            await intake.activity_cancelled(
                cancelled.activity, cancelled.reason, _when(cancelled.occurred_at)
            )
        elif subject == catalogue.ACTIVITY_COMPLETED:
            await intake.activity_completed(events_pb2.ActivityCompleted.FromString(data).activity)

    return handle


def matching_facts(intake: Intake, tombstones: Tombstones) -> Handler:
    """se.matching.suggestion.created, se.matching.profile.erased and .recreated, in one
    consumer: a suggestion and the erasure that follows it are handled in that order."""

    async def handle(message: Msg) -> None:
        if message.subject == matching.SUGGESTION_CREATED:
            await intake.suggestion_created(
                matching_events.SuggestionCreated.FromString(message.data)
            )
        else:
            await apply_erasure_event(tombstones, message, intake.profile_erased)

    return handle
