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
from collections.abc import Mapping
from dataclasses import dataclass, field

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.matching.index import ActivityIndex
from services.matching.subscriptions import index_following
from services.runtime.bus import Unprocessable
from services.runtime.registry import catalogue
from services.runtime.subscriptions import Handlers
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, EnrolmentStatus

log = logging.getLogger(__name__)

STREAM = "CATALOGUE"

EnrolmentEvent = (
    events_pb2.EnrolmentConfirmed
    | events_pb2.EnrolmentWaitlisted
    | events_pb2.EnrolmentPromoted
    | events_pb2.EnrolmentCancelled
    | events_pb2.EnrolmentErased
)


@dataclass
class CatalogueFollower:
    """Applies catalogue events to an ActivityIndex, in stream order. Which method takes
    which event is declared in ``services.matching.subscriptions.index_following``."""

    index: ActivityIndex
    capacity: dict[str, int] = field(default_factory=dict)
    confirmed: Counter[str] = field(default_factory=Counter)
    waiting: Counter[str] = field(default_factory=Counter)
    applied_sequence: int = 0
    _handlers: Handlers[None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._handlers = index_following(self)

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

    def apply(self, subject: str, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        """Apply one event; raises ``Unprocessable`` for one it cannot take."""
        self._handlers.dispatch(subject, data, headers=headers)

    def activity_changed(self, activity: Activity) -> None:
        """Published, updated, cancelled or completed: the snapshot replaces the last."""
        self._apply_activity(activity)

    def enrolment_confirmed(self, event: events_pb2.EnrolmentConfirmed) -> None:
        self._apply_seats(event.enrolment.activity_id, event, confirmed=1)

    def enrolment_waitlisted(self, event: events_pb2.EnrolmentWaitlisted) -> None:
        self._apply_seats(event.enrolment.activity_id, event, waiting=1)

    def enrolment_promoted(self, event: events_pb2.EnrolmentPromoted) -> None:
        self._apply_seats(event.enrolment.activity_id, event, confirmed=1, waiting=-1)

    def enrolment_cancelled(self, event: events_pb2.EnrolmentCancelled) -> None:
        if event.previous_status == EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED:
            self._apply_seats(event.enrolment.activity_id, event, confirmed=-1)
        else:
            self._apply_seats(event.enrolment.activity_id, event, waiting=-1)

    def enrolment_erased(self, event: events_pb2.EnrolmentErased) -> None:
        # Only ever written with the counts: there is nothing to count one by one.
        self._apply_seats(event.activity_id, event)

    def _apply_seats(
        self, activity_id: str, event: EnrolmentEvent, confirmed: int = 0, waiting: int = 0
    ) -> None:
        """The counts the event carries; for events written before they carried them, the
        change it reports (``confirmed`` and ``waiting``), one at a time."""
        if event.HasField("seats"):
            self.confirmed[activity_id] = event.seats.confirmed
            self.waiting[activity_id] = event.seats.waitlisted
        else:
            self.confirmed[activity_id] += confirmed
            self.waiting[activity_id] += waiting
        self._update_seats(activity_id)

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
                self.apply(message.subject, message.data, message.headers)
            except Unprocessable as error:  # every replica reads it: no dead letter of its own
                log.error("catalogue event skipped: %s", error, extra={"subject": message.subject})
            except Exception:  # a bad event must not stop the index; it is logged
                log.exception("could not apply catalogue event", extra={"subject": message.subject})
            self.applied_sequence = message.metadata.sequence.stream
            if self.applied_sequence >= caught_up_at and not ready.is_set():
                self.index.prepare_for_queries()  # the first queries need not pay for it
                ready.set()

        subscription = await js.subscribe(
            catalogue.EVENTS.wildcard,
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
