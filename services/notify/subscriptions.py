"""Every event notify consumes, and what it does with each: all in one place.

The events themselves (subjects, message types, producers) are in
``services.runtime.registry``; what notify publishes is in ``services.notify.events``. Each
handler hands the decoded event to the intake (``services.notify.intake``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from services.notify.intake import Intake
from services.notify.messages import MessageKind
from services.runtime.erasure import Tombstones
from services.runtime.registry import catalogue, matching
from services.runtime.subscriptions import Subscription
from socialerasmus.catalogue.v1 import events_pb2

ACK_WAIT_SECONDS = 10.0
"""Handlers take milliseconds (they only write to Redis), so an event held by a replica that
died is redelivered after 10 s rather than the default 30."""

EnrolmentChanged = (
    events_pb2.EnrolmentConfirmed | events_pb2.EnrolmentWaitlisted | events_pb2.EnrolmentPromoted
)


def _when(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


def subscriptions(intake: Intake, tombstones: Tombstones) -> list[Subscription]:
    """Notify's durable consumers, shared by every replica."""

    def enrolment_changed(kind: MessageKind) -> Callable[[EnrolmentChanged], Awaitable[object]]:
        return lambda event: intake.enrolment_changed(
            kind, event.enrolment, _when(event.occurred_at)
        )

    return [
        # The catalogue's activities and enrolments, in stream order: confirmations and
        # reminders, changes and cancellations to everyone enrolled, notify's own view of
        # the catalogue (services.notify.projection).
        Subscription("notify-catalogue", ack_wait_seconds=ACK_WAIT_SECONDS)
        .on(catalogue.ACTIVITY_PUBLISHED, lambda event: intake.activity_published(event.activity))
        .on(
            catalogue.ACTIVITY_UPDATED,
            lambda event: intake.activity_updated(
                event.activity, event.changed_fields, _when(event.occurred_at)
            ),
        )
        .on(
            catalogue.ACTIVITY_CANCELLED,
            lambda event: intake.activity_cancelled(
                event.activity, event.reason, _when(event.occurred_at)
            ),
        )
        .on(catalogue.ACTIVITY_COMPLETED, lambda event: intake.activity_completed(event.activity))
        .on(catalogue.ENROLMENT_CONFIRMED, enrolment_changed(MessageKind.ENROLMENT_CONFIRMED))
        .on(catalogue.ENROLMENT_WAITLISTED, enrolment_changed(MessageKind.ENROLMENT_WAITLISTED))
        .on(catalogue.ENROLMENT_PROMOTED, enrolment_changed(MessageKind.ENROLMENT_PROMOTED))
        .on(
            catalogue.ENROLMENT_CANCELLED, lambda event: intake.enrolment_cancelled(event.enrolment)
        ),
        # Matching's suggestions, erasures and new profiles after an erasure, in one
        # consumer: a suggestion and the erasure that follows it are handled in that order.
        Subscription("notify-matching", ack_wait_seconds=ACK_WAIT_SECONDS)
        .on(matching.SUGGESTION_CREATED, intake.suggestion_created)
        .on(matching.PROFILE_ERASED, tombstones.erasure(intake.profile_erased))
        .on(matching.PROFILE_RECREATED, tombstones.recreated),
    ]
