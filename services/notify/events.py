"""Every event notify publishes, built from notify's registry.

Notify publishes ``se.notify.delivery.delivered`` and ``se.notify.delivery.failed`` for each
message and channel (``services.runtime.registry.notify``), and sends messages that failed
for good to ``se.dlq.notify-delivery`` with the reason. What notify consumes is in
``services.notify.subscriptions``.
"""

from __future__ import annotations

from typing import Final

from nats.js import JetStreamContext

from services.notify.dispatch import Report
from services.notify.jobs import Job, encode_job
from services.runtime.bus import publish
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


def report_to_bus(js: JetStreamContext) -> Report:
    """Publishes each delivered or failed message; a failure also goes to the dead-letter
    subject with the job (JSON) and the reason, for an operator to inspect or replay."""

    async def report(delivery: Delivery, job: Job) -> None:
        status = delivery.status
        if status not in {
            DeliveryStatus.DELIVERY_STATUS_DELIVERED,
            DeliveryStatus.DELIVERY_STATUS_FAILED,
        }:
            return
        await publish(js, delivery_recorded(delivery))
        if status == DeliveryStatus.DELIVERY_STATUS_FAILED:
            await js.publish(
                DEAD_LETTER,
                encode_job(job).encode(),
                headers={
                    "Se-Error": delivery.reason[:500],
                    "Se-Channel": delivery.channel,
                    "Se-Attempts": str(delivery.attempts),
                    "Content-Type": "application/json",
                },
            )

    return report
