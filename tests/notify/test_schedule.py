"""The schedule's atomic decisions under concurrency, against the suite's real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from services.notify import keys
from services.notify.schedule import (
    BUDGET_TTL_SECONDS,
    CLAIM_TTL_SECONDS,
    Change,
    Outcome,
    Schedule,
)


@pytest.fixture
async def replicas(redis_client: Redis) -> AsyncIterator[list[Schedule]]:
    """Five schedules over five connections, standing in for replicas."""
    kwargs = redis_client.connection_pool.connection_kwargs
    clients = [Redis(host=kwargs["host"], port=kwargs["port"]) for _ in range(5)]
    yield [Schedule(client) for client in clients]
    for client in clients:
        await client.aclose()


async def test_a_natural_key_is_claimed_once_across_replicas(replicas: list[Schedule]) -> None:
    key = "act1:suggestion:2027-spring"
    outcomes = await asyncio.gather(*(replicas[n % 5].apply(Change("ana", key)) for n in range(20)))
    assert outcomes.count(Outcome.APPLIED) == 1
    assert outcomes.count(Outcome.DUPLICATE) == 19
    assert await replicas[0].apply(Change("ben", key)) is Outcome.APPLIED  # another student
    ttl = await replicas[0].redis.ttl(keys.claim("ana", key))
    assert 0 < ttl <= CLAIM_TTL_SECONDS


async def test_the_weekly_budget_is_atomic_across_replicas(replicas: list[Schedule]) -> None:
    outcomes = await asyncio.gather(
        *(
            replicas[n % 5].apply(Change("ana", f"suggestion-{n}", "2027-W09", budget=3))
            for n in range(50)
        )
    )
    assert outcomes.count(Outcome.APPLIED) == 3
    assert outcomes.count(Outcome.OVER_BUDGET) == 47
    schedule = replicas[0]
    # An over-budget key stays claimed: a redelivered event is a duplicate, not a new try.
    refused = outcomes.index(Outcome.OVER_BUDGET)
    again = Change("ana", f"suggestion-{refused}", "2027-W09", budget=3)
    assert await schedule.apply(again) is Outcome.DUPLICATE
    assert await schedule.apply(Change("ana", "next", "2027-W10", budget=3)) is Outcome.APPLIED
    assert await schedule.apply(Change("ben", "next", "2027-W09", budget=3)) is Outcome.APPLIED
    assert await schedule.apply(Change("cleo", "x", "2027-W09", budget=0)) is Outcome.OVER_BUDGET
    # A raised budget allows more within the same week.
    assert await schedule.apply(Change("ana", "more", "2027-W09", budget=4)) is Outcome.APPLIED
    ttl = await schedule.redis.ttl(keys.weekly_budget("ana", "2027-W09"))
    assert 0 < ttl <= BUDGET_TTL_SECONDS
