"""The shared connections of a service, against the suite's real NATS and Redis."""

from __future__ import annotations

import asyncio

import pytest

from services.runtime import connections
from services.runtime.connections import connected
from tests.conftest import Stack


async def test_more_redis_commands_than_connections_wait_instead_of_failing(
    clean_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "REDIS_CONNECTIONS", 2)
    async with connected(clean_stack.settings("catalogue")) as connected_to:
        # Three blocking reads of 0.3 s on two connections: the third waits its turn.
        results = await asyncio.gather(
            *(connected_to.redis.blpop([f"empty-{n}"], timeout=0.3) for n in range(3))
        )
    assert results == [None, None, None]
