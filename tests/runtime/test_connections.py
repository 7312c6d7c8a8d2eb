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


async def test_a_service_s_own_shutdown_is_not_reported_as_a_lost_connection(
    clean_stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="services.runtime.connections"):
        async with connected(clean_stack.settings("catalogue")):
            pass
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert ("INFO", "NATS connection closed") in messages
    assert not [m for m in messages if m[0] == "WARNING"]
