"""Tombstones against the suite's real Redis: the newest of erasure and new profile wins."""

from __future__ import annotations

from redis.asyncio import Redis

from services.runtime.erasure import Tombstones
from services.runtime.events import new_event_id


async def test_the_newest_event_wins_whatever_order_they_arrive_in(redis_client: Redis) -> None:
    tombstones = Tombstones(redis_client, "svc", lifted_seconds=60)
    erased, recreated = new_event_id(), new_event_id()
    assert await tombstones.lift("ana", recreated)
    assert not await tombstones.erase("ana", erased)  # redelivered after the new profile
    assert not await tombstones.is_erased("ana")
    assert await tombstones.erase("ben", erased)
    assert await tombstones.erase("ben", erased)  # a redelivery applies again
    assert await tombstones.is_erased("ben")
    assert not await tombstones.is_erased("eva")


async def test_a_tombstone_names_no_student(redis_client: Redis) -> None:
    """The key holds a digest of the id, the value the event's id: the student is not readable."""
    tombstones = Tombstones(redis_client, "svc", lifted_seconds=60)
    await tombstones.erase("ana-erasmus", new_event_id())
    [key] = [k async for k in redis_client.scan_iter()]
    assert b"ana-erasmus" not in key + await redis_client.get(key)
    assert await redis_client.ttl(key) == -1  # an erasure stays
    await tombstones.lift("ana-erasmus", new_event_id())
    assert 0 < await redis_client.ttl(key) <= 60  # a lifted one goes
