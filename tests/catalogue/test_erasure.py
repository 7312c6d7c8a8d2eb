"""Erasure in the catalogue, from matching's event, against real Redis and NATS."""

from __future__ import annotations

import grpc
import nats
import pytest
from redis.asyncio import Redis

from services.catalogue import events, keys
from services.matching import events as matching_events
from services.runtime.bus import publish
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1.catalogue_pb2 import Enrolment
from tests.catalogue.conftest import Catalogue, EventLog
from tests.catalogue.test_enrolments import PLATFORM, enrol, fetch, listed, published, rpc_error
from tests.waiting import eventually

ERASED = "ana-erasmus-7f3k"


async def announce(catalogue: Catalogue, *events: object) -> None:
    client = await nats.connect(catalogue.stack.nats_url)
    try:
        for event in events:
            await publish(client.jetstream(), event)  # type: ignore[arg-type]
    finally:
        await client.close()


async def naming(event_log: EventLog, student: str) -> list[int | None]:
    """Sequences of the CATALOGUE messages whose payload holds the id."""
    return [
        m.seq for m in await event_log.all() if m.data is not None and student.encode() in m.data
    ]


async def test_erasure_frees_the_seat_for_the_waitlist_and_leaves_no_trace(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    beach = await published(catalogue, capacity=1)
    park = await published(catalogue, capacity=1)
    await enrol(catalogue, beach, ERASED)  # confirmed
    await enrol(catalogue, beach, "ben")  # waiting for it
    await enrol(catalogue, park, "eva")
    await enrol(catalogue, park, ERASED)  # waiting
    await eventually(lambda: _indexed(redis_client, 2), "the messages naming the student indexed")

    await announce(catalogue, matching_events.profile_erased(ERASED))

    async def erased() -> bool:
        return not await naming(event_log, ERASED) and not await redis_client.exists(
            keys.enrolment(beach.id, ERASED), keys.enrolment(park.id, ERASED)
        )

    await eventually(erased, "the enrolments and the messages erased")
    assert [(e.student_id, e.status, e.promoted) for e in await listed(catalogue, beach)] == [
        ("ben", pb.ENROLMENT_STATUS_CONFIRMED, True)
    ]
    assert [e.student_id for e in await listed(catalogue, park)] == ["eva"]
    assert ((await fetch(catalogue, park)).waitlist_length) == 0
    async for key in redis_client.scan_iter():
        assert ERASED.encode() not in key
    # The promotion of ben stays, naming ben only.
    promoted = [m for m in await event_log.all() if m.subject == "se.catalogue.enrolment.promoted"]
    assert len(promoted) == 1 and b"ben" in (promoted[0].data or b"")

    code = await rpc_error(enrol(catalogue, beach, ERASED))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await enrol(catalogue, park, ERASED)
    assert "erased" in (refused.value.details() or "")

    await announce(catalogue, matching_events.profile_recreated(ERASED))

    async def enrolled_again() -> bool:
        try:
            reply = await catalogue.stub.EnrolStudent(
                pb.EnrolStudentRequest(activity_id=park.id, student_id=ERASED), metadata=PLATFORM
            )
        except grpc.aio.AioRpcError:
            return False
        return bool(reply.enrolment.status == pb.ENROLMENT_STATUS_WAITLISTED)

    await eventually(enrolled_again, "the student enrolled again after a new profile")


async def _indexed(redis: Redis, count: int) -> bool:
    return int(await redis.scard(keys.student_messages(ERASED))) >= count


async def test_an_enrolment_event_relayed_after_the_erasure_is_deleted_right_away(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """An enrolment made just before the erasure whose event reaches the stream after it."""
    await announce(catalogue, matching_events.profile_erased(ERASED))
    await eventually(lambda: _exists(redis_client, keys.tombstone(ERASED)), "the tombstone")
    late = Enrolment(activity_id="01J0000000000000000000000A", student_id=ERASED)
    await announce(catalogue, events.enrolment_confirmed(late))
    await eventually(lambda: _deleted(event_log), "the late message deleted")
    assert not await naming(event_log, ERASED)
    assert not await redis_client.exists(keys.student_messages(ERASED))


async def _exists(redis: Redis, key: str) -> bool:
    return bool(await redis.exists(key))


async def _deleted(event_log: EventLog) -> bool:
    stream = await event_log.client.jetstream().stream_info("CATALOGUE")
    return stream.state.last_seq == 1 and stream.state.messages == 0
