"""Every event notify publishes, built from notify's registry.

Notify publishes ``se.notify.delivery.delivered`` and ``se.notify.delivery.failed`` for each
message and channel (``services.runtime.registry.notify``), and sends messages that failed
for good to ``se.dlq.notify-delivery`` with the reason. Both are written to notify's outbox in
the script that records the delivery (``services.notify.store.NotifyStore.record_delivery``),
so a crash between the record and the publication loses neither. What notify consumes is in
``services.notify.subscriptions``.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from services.notify.jobs import Job, encode_job
from services.runtime.events import OutgoingEvent, new_event_id, timestamp_now
from services.runtime.registry import notify
from services.runtime.streams import dead_letter_subject
from socialerasmus.notify.v1.events_pb2 import DeliveryRecorded
from socialerasmus.notify.v1.notify_pb2 import Delivery, DeliveryStatus

DEAD_LETTER: Final = dead_letter_subject("notify-delivery")


def delivery_recorded(delivery: Delivery) -> OutgoingEvent:
    failed = delivery.status == DeliveryStatus.DELIVERY_STATUS_FAILED
    event_type = notify.DELIVERY_FAILED if failed else notify.DELIVERY_DELIVERED
    return event_type.event(
        DeliveryRecorded(event_id=new_event_id(), occurred_at=timestamp_now(), delivery=delivery)
    )


def dead_letter(delivery: Delivery, job: Job) -> OutgoingEvent:
    """A message that failed for good: its job (JSON) and the reason, for an operator to
    inspect or replay."""
    return OutgoingEvent(
        subject=DEAD_LETTER,
        event_id=new_event_id(),
        payload=encode_job(job).encode(),
        message_type="",
        extra_headers=(
            ("Se-Error", delivery.reason[:500]),
            ("Se-Channel", delivery.channel),
            ("Se-Attempts", str(delivery.attempts)),
            ("Content-Type", "application/json"),
        ),
    )


class DeliveryEvents(NamedTuple):
    """What a recorded delivery announces: nothing, or its outcome and, for a failure, the
    dead letter."""

    recorded: OutgoingEvent | None = None
    dead_letter: OutgoingEvent | None = None


def delivery_events(delivery: Delivery, job: Job) -> DeliveryEvents:
    """The events of a final outcome: one for each delivered or failed message (not for a
    skipped one or a retry); a failure also goes to the dead letters."""
    match delivery.status:
        case DeliveryStatus.DELIVERY_STATUS_DELIVERED:
            return DeliveryEvents(delivery_recorded(delivery))
        case DeliveryStatus.DELIVERY_STATUS_FAILED:
            return DeliveryEvents(delivery_recorded(delivery), dead_letter(delivery, job))
    return DeliveryEvents()
