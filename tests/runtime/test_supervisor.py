"""Supervised background loops, run by the services' serve() with a real gRPC health server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.runtime.auth import TokenRegistry
from services.runtime.server import Registration, RunningService, ServiceParts, serve
from services.runtime.supervisor import Backoff, Loop
from tests.conftest import Stack, channel_to
from tests.runtime.observing import json_logs, value
from tests.waiting import eventually

SERVICE = "socialerasmus.test.v1.Looping"
# Long enough that a poll sees the service NOT_SERVING while the loop waits to restart.
RESTARTS = Backoff(first_seconds=1.0, cap_seconds=2.0)


class FailingOnce:
    """A loop that raises when told to, the first time it runs; later runs wait for stop."""

    def __init__(self) -> None:
        self.runs = 0
        self.fail = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        self.runs += 1
        if self.runs == 1:
            await self.fail.wait()
            raise RuntimeError("the loop broke")
        await stop.wait()


async def status(channel: grpc.aio.Channel, service: str = "") -> str:
    reply = await health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(service=service), timeout=2
    )
    name: str = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    return name


async def statuses(channel: grpc.aio.Channel) -> set[str]:
    return {await status(channel), await status(channel, SERVICE)}


@pytest.fixture
async def serving_loop(
    stack: Stack, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[FailingOnce, grpc.aio.Channel, str]]:
    required: bool = request.param
    loop = FailingOnce()
    name = f"test-loop-{'required' if required else 'optional'}"
    parts = ServiceParts(
        [Registration(lambda server: None, SERVICE)],
        background=[Loop(name, loop.run, required=required)],
    )
    tokens = TokenRegistry.from_file(stack.tokens_file)
    running: RunningService
    async with (
        serve("127.0.0.1:0", tokens, parts, 0.5, restarts=RESTARTS) as running,
        channel_to(running.address) as channel,
    ):
        yield loop, channel, name


@pytest.mark.parametrize("serving_loop", [True], indirect=True)
async def test_a_required_loop_that_raises_is_restarted_counted_and_not_serving_meanwhile(
    serving_loop: tuple[FailingOnce, grpc.aio.Channel, str],
) -> None:
    loop, channel, name = serving_loop
    failures = value("se_background_task_failures_total", task=name)
    restarts = value("se_background_task_restarts_total", task=name)
    assert await statuses(channel) == {"SERVING"}

    with json_logs() as logs:
        loop.fail.set()

        async def not_serving() -> bool:
            return await statuses(channel) == {"NOT_SERVING"}

        await eventually(not_serving, "NOT_SERVING while the loop waits to restart")

        async def serving() -> bool:
            return await statuses(channel) == {"SERVING"}

        await eventually(serving, "SERVING once the loop runs again")

    assert loop.runs == 2
    assert value("se_background_task_failures_total", task=name) == failures + 1
    assert value("se_background_task_restarts_total", task=name) == restarts + 1
    assert value("se_background_task_up", task=name) == 1
    [failed] = logs.where(message="background task failed", task=name)
    assert "the loop broke" in failed["exception"]


@pytest.mark.parametrize("serving_loop", [False], indirect=True)
async def test_an_optional_loop_is_restarted_while_the_service_keeps_serving(
    serving_loop: tuple[FailingOnce, grpc.aio.Channel, str],
) -> None:
    loop, channel, name = serving_loop
    restarts = value("se_background_task_restarts_total", task=name)
    loop.fail.set()
    await eventually(lambda: value("se_background_task_up", task=name) == 0, "the loop down")
    assert await statuses(channel) == {"SERVING"}  # while it waits for its restart
    await eventually(lambda: loop.runs == 2, "the loop restarted")
    assert value("se_background_task_restarts_total", task=name) == restarts + 1


def test_back_off_doubles_up_to_its_cap_with_jitter_below_each_step() -> None:
    backoff = Backoff(first_seconds=0.5, cap_seconds=4.0)
    for failures, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0), (50, 4.0)]:
        delays = [backoff.delay(failures) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (failures, delays)
    with pytest.raises(ValueError, match="first_seconds"):
        Backoff(first_seconds=5.0, cap_seconds=1.0)
