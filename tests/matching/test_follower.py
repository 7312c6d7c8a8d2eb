"""Seats in the index as the catalogue's events tell them, whatever the stream still holds."""

from __future__ import annotations

import asyncio

import nats

from services.matching.follower import CatalogueFollower
from services.matching.index import ActivityIndex
from services.runtime.streams import provision_streams
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ENROLMENT_STATUS_CONFIRMED,
    ENROLMENT_STATUS_WAITLISTED,
    Activity,
    Enrolment,
)
from tests.conftest import Stack
from tests.matching.builders import activity
from tests.waiting import eventually


def published(item: Activity) -> tuple[str, bytes]:
    event = events_pb2.ActivityPublished(event_id="e0", activity=item)
    return "se.catalogue.activity.published", event.SerializeToString()


def confirmed(item: Activity, student: str, seats: tuple[int, int] | None) -> tuple[str, bytes]:
    event = events_pb2.EnrolmentConfirmed(
        event_id=f"e-{student}",
        enrolment=Enrolment(
            activity_id=item.id, student_id=student, status=ENROLMENT_STATUS_CONFIRMED
        ),
    )
    if seats is not None:
        event.seats.confirmed, event.seats.waitlisted = seats
    return "se.catalogue.enrolment.confirmed", event.SerializeToString()


def waitlisted(item: Activity, student: str, seats: tuple[int, int]) -> tuple[str, bytes]:
    event = events_pb2.EnrolmentWaitlisted(
        event_id=f"w-{student}",
        enrolment=Enrolment(
            activity_id=item.id, student_id=student, status=ENROLMENT_STATUS_WAITLISTED
        ),
        seats=events_pb2.SeatCounts(confirmed=seats[0], waitlisted=seats[1]),
    )
    return "se.catalogue.enrolment.waitlisted", event.SerializeToString()


def erased(item: Activity, seats: tuple[int, int]) -> tuple[str, bytes]:
    event = events_pb2.EnrolmentErased(
        event_id="x",
        activity_id=item.id,
        previous_status=ENROLMENT_STATUS_CONFIRMED,
        seats=events_pb2.SeatCounts(confirmed=seats[0], waitlisted=seats[1]),
    )
    return "se.catalogue.enrolment.erased", event.SerializeToString()


def seats_after(*events: tuple[str, bytes]) -> tuple[int, int]:
    index = ActivityIndex()
    follower = CatalogueFollower(index)
    for subject, data in events:
        follower.apply(subject, data)
    held = index.get(activity(1).id)
    assert held is not None
    return held.seats_left, held.waitlist_length


def test_the_latest_counts_hold_even_when_earlier_events_are_missing() -> None:
    """A replay of a stream from which an erased student's events were deleted: the erasure's
    own event carries the counts, so nothing deleted is needed."""
    beach = activity(1, capacity=2)
    live = seats_after(
        published(beach),
        confirmed(beach, "ana", (1, 0)),
        confirmed(beach, "ben", (2, 0)),
        waitlisted(beach, "eva", (2, 1)),
        erased(beach, (2, 0)),  # ana's seat went to eva
    )
    replayed = seats_after(
        published(beach),
        confirmed(beach, "ben", (2, 0)),
        waitlisted(beach, "eva", (2, 1)),
        erased(beach, (2, 0)),
    )
    assert live == replayed == (0, 0)


def test_events_without_counts_are_counted_one_by_one() -> None:
    """Events written before they carried counts still move the seats."""
    beach = activity(1, capacity=3)
    assert seats_after(
        published(beach), confirmed(beach, "ana", None), confirmed(beach, "ben", None)
    ) == (1, 0)


async def test_run_again_after_a_failure_it_resumes_after_the_last_event_applied(
    clean_stack: Stack,
) -> None:
    """Replaying from the start would count the enrolments without counts a second time."""
    client = await nats.connect(clean_stack.nats_url)
    try:
        js = client.jetstream()
        await provision_streams(js)
        beach = activity(1, capacity=5)
        for subject, data in (
            published(beach),
            confirmed(beach, "ana", None),
            confirmed(beach, "ben", None),
        ):
            await js.publish(subject, data)
        index = ActivityIndex()
        follower = CatalogueFollower(index)

        async def follow_until(sequence: int) -> None:
            ready, stop = asyncio.Event(), asyncio.Event()
            task = asyncio.create_task(follower.run(js, ready, stop))
            await eventually(lambda: follower.applied_sequence == sequence, f"event {sequence}")
            stop.set()
            await task

        await follow_until(3)
        await js.publish(*confirmed(beach, "eva", None))
        await follow_until(4)
        held = index.get(beach.id)
        assert held is not None
        assert held.seats_left == 2
    finally:
        await client.close()
