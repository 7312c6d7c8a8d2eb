"""Matching's Redis store against the suite's real Redis: what an erasure leaves out."""

from __future__ import annotations

from redis.asyncio import Redis

from services.matching import events
from services.matching.store import MatchingStore
from tests.matching.builders import activity, valid_profile


async def test_facts_arriving_just_after_an_erasure_write_nothing(redis_client: Redis) -> None:
    """A suggestion scored and an enrolment event sent before the erasure, handled after it."""
    store = MatchingStore(redis_client)
    await store.save_profile(valid_profile())
    await store.erase("ana", events.profile_erased("ana"))
    beach = activity(1)
    suggestion = events.suggestion_created("ana", beach, 0.9, [])
    assert await store.record_suggestion("ana", beach.id, "2027-W07", 3, suggestion) == "erased"
    await store.set_enrolled("ana", beach.id, enrolled=True)
    assert [k async for k in redis_client.scan_iter(match="*ana*")] == []
    assert await redis_client.xlen("matching:outbox") == 1  # the erasure event only
