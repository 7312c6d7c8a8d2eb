"""Keeps this replica's activity index in step with the catalogue's events.

Every replica replays the CATALOGUE stream from its first message with an ordered
consumer, so a new replica rebuilds its index with no manual step, and is ready once it
has caught up with the stream as it was at start-up. Seats come from enrolment events
rather than from activity snapshots, which may be a moment stale: each carries the counts
right after its change (``SeatCounts``), so the latest one of an activity is enough, and the
events of an erased student, deleted from the stream, are not missed. Events from before the
counts were added are counted one by one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.matching.index import ActivityIndex
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, EnrolmentStatus

log = logging.getLogger(__name__)

STREAM = "CATALOGUE"

ActivityEvent = (
    events_pb2.ActivityPublished
    | events_pb2.ActivityUpdated
    | events_pb2.ActivityCancelled
    | events_pb2.ActivityCompleted
)
ACTIVITY_EVENTS: dict[str, type[ActivityEvent]] = {
    "se.catalogue.activity.published": events_pb2.ActivityPublished,
    "se.catalogue.activity.updated": events_pb2.ActivityUpdated,
    "se.catalogue.activity.cancelled": events_pb2.ActivityCancelled,
    "se.catalogue.activity.completed": events_pb2.ActivityCompleted,
}

EnrolmentEvent = (
    events_pb2.EnrolmentConfirmed
    | events_pb2.EnrolmentWaitlisted
    | events_pb2.EnrolmentPromoted
    | events_pb2.EnrolmentCancelled
    | events_pb2.EnrolmentErased
)
ENROLMENT_EVENTS: dict[str, type[EnrolmentEvent]] = {
    "se.catalogue.enrolment.confirmed": events_pb2.EnrolmentConfirmed,
    "se.catalogue.enrolment.waitlisted": events_pb2.EnrolmentWaitlisted,
    "se.catalogue.enrolment.promoted": events_pb2.EnrolmentPromoted,
    "se.catalogue.enrolment.cancelled": events_pb2.EnrolmentCancelled,
    "se.catalogue.enrolment.erased": events_pb2.EnrolmentErased,
}


@dataclass
class CatalogueFollower:
    """Applies catalogue events to an ActivityIndex, in stream order."""

    index: ActivityIndex
    capacity: dict[str, int] = field(default_factory=dict)
    confirmed: Counter[str] = field(default_factory=Counter)
    waiting: Counter[str] = field(default_factory=Counter)
    applied_sequence: int = 0

    def seat_counts(self) -> dict[str, dict[str, int]]:
        """What the seats are computed from, by activity id (copies): for a snapshot."""
        return {
            "capacity": dict(self.capacity),
            "confirmed": dict(self.confirmed),
            "waiting": dict(self.waiting),
        }

    @classmethod
    def restored(
        cls, index: ActivityIndex, seat_counts: dict[str, dict[str, int]], applied_sequence: int
    ) -> CatalogueFollower:
        """A follower of ``index`` as it was after ``applied_sequence``, seats set again."""
        follower = cls(
            index,
            capacity=dict(seat_counts["capacity"]),
            confirmed=Counter(seat_counts["confirmed"]),
            waiting=Counter(seat_counts["waiting"]),
            applied_sequence=applied_sequence,
        )
        for activity_id in index.activity_ids():
            follower._update_seats(activity_id)
        return follower

    def apply(self, subject: str, data: bytes) -> None:
        kind = ACTIVITY_EVENTS.get(subject)
        if kind is not None:
            self._apply_activity(kind.FromString(data).activity)
            return
        enrolment = ENROLMENT_EVENTS.get(subject)
        if enrolment is None:
            return
        event = enrolment.FromString(data)
        activity_id = (
            event.activity_id
            if isinstance(event, events_pb2.EnrolmentErased)
            else event.enrolment.activity_id
        )
        if event.HasField("seats"):
            self.confirmed[activity_id] = event.seats.confirmed
            self.waiting[activity_id] = event.seats.waitlisted
        else:
            self._count(subject, event, activity_id)
        self._update_seats(activity_id)

    def _count(self, subject: str, event: EnrolmentEvent, activity_id: str) -> None:
        """One change at a time, for events written before they carried the counts."""
        match subject:
            case "se.catalogue.enrolment.confirmed":
                self.confirmed[activity_id] += 1
            case "se.catalogue.enrolment.waitlisted":
                self.waiting[activity_id] += 1
            case "se.catalogue.enrolment.promoted":
                self.confirmed[activity_id] += 1
                self.waiting[activity_id] -= 1
            case "se.catalogue.enrolment.cancelled":
                assert isinstance(event, events_pb2.EnrolmentCancelled)
                if event.previous_status == EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED:
                    self.confirmed[activity_id] -= 1
                else:
                    self.waiting[activity_id] -= 1

    def _apply_activity(self, activity: Activity) -> None:
        self.capacity[activity.id] = activity.details.capacity
        self.index.apply(activity)
        self._update_seats(activity.id)

    def _update_seats(self, activity_id: str) -> None:
        if activity_id not in self.capacity:
            return
        seats = max(self.capacity[activity_id] - self.confirmed[activity_id], 0)
        self.index.set_seats(activity_id, seats, max(self.waiting[activity_id], 0))

    async def run(self, js: JetStreamContext, ready: asyncio.Event, stop: asyncio.Event) -> None:
        """Follow the stream until ``stop``; set ``ready`` once caught up with start-up.

        Run again after a failure, it resumes after the last event applied: replaying
        from the start would count again the enrolments of events without seat counts."""
        info = await js.stream_info(STREAM)
        caught_up_at = info.state.last_seq
        if caught_up_at <= self.applied_sequence and not ready.is_set():
            self.index.prepare_for_queries()
            ready.set()

        async def on_message(message: Msg) -> None:
            try:
                self.apply(message.subject, message.data)
            except Exception:  # a bad event must not stop the index; it is logged
                log.exception("could not apply catalogue event", extra={"subject": message.subject})
            self.applied_sequence = message.metadata.sequence.stream
            if self.applied_sequence >= caught_up_at and not ready.is_set():
                self.index.prepare_for_queries()  # the first queries need not pay for it
                ready.set()

        subscription = await js.subscribe(
            "se.catalogue.>",
            stream=STREAM,
            ordered_consumer=True,
            config=self._start(),
            cb=on_message,
            pending_msgs_limit=1_000_000,
        )
        try:
            await stop.wait()
        finally:
            await subscription.unsubscribe()

    def _start(self) -> ConsumerConfig:
        if self.applied_sequence == 0:
            return ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
        return ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=self.applied_sequence + 1
        )
