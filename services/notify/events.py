"""Events of the notify service, in one place: what it consumes and what it publishes.

Consumes, with durable consumers shared by every replica: the catalogue's activity and
enrolment events (``notify-catalogue``) and matching's suggestions, erasures and new
profiles after an erasure (``notify-matching``). Publishes ``se.notify.delivery.delivered`` and
``se.notify.delivery.failed`` for each message and channel, and sends messages that failed
for good to ``se.dlq.notify-delivery`` with the reason.
"""

from __future__ import annotations

from typing import Final

from nats.js import JetStreamContext

from services.catalogue import events as catalogue
from services.matching import events as matching
from services.notify.dispatch import Report
from services.notify.jobs import Job, encode_job
from services.runtime.bus import ConsumerSpec, publish
from services.runtime.events import OutgoingEvent, event_of, new_event_id, timestamp_now
from socialerasmus.notify.v1.events_pb2 import DeliveryRecorded
from socialerasmus.notify.v1.notify_pb2 import Delivery, DeliveryStatus

DELIVERED: Final = "se.notify.delivery.delivered"
FAILED: Final = "se.notify.delivery.failed"
DEAD_LETTER: Final = "se.dlq.notify-delivery"

CATALOGUE_FACTS = ConsumerSpec(
    durable="notify-catalogue",
    stream="CATALOGUE",
    subjects=(
        catalogue.ACTIVITY_PUBLISHED,
        catalogue.ACTIVITY_UPDATED,
        catalogue.ACTIVITY_CANCELLED,
        catalogue.ACTIVITY_COMPLETED,
        catalogue.ENROLMENT_CONFIRMED,
        catalogue.ENROLMENT_WAITLISTED,
        catalogue.ENROLMENT_PROMOTED,
        catalogue.ENROLMENT_CANCELLED,
    ),
    ack_wait_seconds=10.0,
)
MATCHING_FACTS = ConsumerSpec(
    durable="notify-matching",
    stream="MATCHING",
    subjects=(matching.SUGGESTION_CREATED, matching.PROFILE_ERASED, matching.PROFILE_RECREATED),
    ack_wait_seconds=10.0,
)
CONSUMERS: Final = (CATALOGUE_FACTS, MATCHING_FACTS)
"""Handlers take milliseconds (they only write to Redis), so an event held by a replica that
died is redelivered after 10 s rather than the default 30."""


def delivery_recorded(delivery: Delivery) -> OutgoingEvent:
    failed = delivery.status == DeliveryStatus.DELIVERY_STATUS_FAILED
    return event_of(
        FAILED if failed else DELIVERED,
        DeliveryRecorded(event_id=new_event_id(), occurred_at=timestamp_now(), delivery=delivery),
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
