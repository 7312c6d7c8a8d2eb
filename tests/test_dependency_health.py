"""Health follows the servers each service depends on: a Redis of their own is killed with
SIGKILL and started again on the same port, and a NATS of their own likewise."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import nats
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.catalogue.app import SERVICE_NAME as CATALOGUE
from services.catalogue.app import catalogue_parts
from services.matching.app import SERVICE_NAME as MATCHING
from services.matching.app import matching_parts
from services.notify.app import SERVICE_NAME as NOTIFY
from services.notify.app import notify_parts
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.lifecycle import PartsFactory
from services.runtime.readiness import LIVENESS
from services.runtime.server import serve
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from tests.catalogue.builders import valid_details
from tests.conftest import Stack, bearer, channel_to, servers_in
from tests.runtime.observing import value
from tests.waiting import eventually

SERVICES: dict[str, tuple[PartsFactory, str]] = {
    "catalogue": (catalogue_parts, CATALOGUE),
    "matching": (matching_parts, MATCHING),
    "notify": (notify_parts, NOTIFY),
}


@pytest.fixture
def own_stack(stack: Stack, tmp_path: Path) -> Iterator[Stack]:
    """A nats-server and a redis-server for this test alone, free to be killed."""
    with servers_in(tmp_path, stack.tokens_file) as own:
        yield own


@contextlib.asynccontextmanager
async def running(stack: Stack, service: str) -> AsyncIterator[grpc.aio.Channel]:
    parts, _ = SERVICES[service]
    settings = stack.settings(service)
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        connected(settings) as connections,
        serve(
            settings.listen, tokens, await parts(connections, settings), 0.5, probe_seconds=0.1
        ) as server,
        channel_to(server.address) as channel,
    ):
        yield channel


async def statuses(channel: grpc.aio.Channel, service: str, *names: str) -> set[str]:
    """The health of the server as a whole and of the service (or of ``names``)."""
    stub = health_pb2_grpc.HealthStub(channel)
    found = set()
    for name in names or ("", SERVICES[service][1]):
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)
        found.add(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))
    return found


@pytest.mark.parametrize("service", list(SERVICES))
async def test_health_is_not_serving_while_redis_is_down_and_serving_once_it_is_back(
    own_stack: Stack, service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SE_NOTIFY_UNSUBSCRIBE_SECRET", "dependency-health-secret")
    async with running(own_stack, service) as channel:
        assert await statuses(channel, service) == {"SERVING"}
        await eventually(  # set by the first probe, which may come just after SERVING
            lambda: value("se_dependency_up", dependency="redis") == 1, "Redis probed as up"
        )

        own_stack.redis.kill()

        async def not_serving() -> bool:
            return await statuses(channel, service) == {"NOT_SERVING"}

        await eventually(not_serving, f"{service} NOT_SERVING without Redis")
        assert value("se_dependency_up", dependency="redis") == 0
        assert await statuses(channel, service, LIVENESS) == {"SERVING"}  # no restart wanted

        own_stack.redis.start()  # same port, same data

        async def serving() -> bool:
            return await statuses(channel, service) == {"SERVING"}

        await eventually(serving, f"{service} SERVING again, without a restart")
        await eventually(
            lambda: value("se_dependency_up", dependency="redis") == 1, "Redis probed as back"
        )


async def test_without_nats_the_catalogue_keeps_serving_and_its_events_wait(
    own_stack: Stack,
) -> None:
    """NATS is not needed to answer: writes succeed and their events leave once it is back."""
    async with running(own_stack, "catalogue") as channel:
        stub = CatalogueServiceStub(channel)
        own_stack.nats.kill()
        await eventually(
            lambda: value("se_dependency_up", dependency="nats") == 0, "NATS seen as down"
        )
        assert await statuses(channel, "catalogue") == {"SERVING"}
        created = await stub.CreateActivity(
            pb.CreateActivityRequest(details=valid_details()), metadata=bearer("platform")
        )
        await stub.PublishActivity(
            pb.PublishActivityRequest(activity_id=created.activity.id),
            metadata=bearer("platform"),
        )

        own_stack.nats.start()
        await eventually(
            lambda: value("se_dependency_up", dependency="nats") == 1, "NATS seen as back"
        )
        client = await nats.connect(own_stack.nats_url)
        try:
            js = client.jetstream()

            async def relayed() -> bool:
                return (await js.stream_info("CATALOGUE")).state.messages >= 1

            await eventually(relayed, "the waiting event published", timeout=20)
            message = await js.get_last_msg("CATALOGUE", "se.catalogue.activity.published")
            assert created.activity.id.encode() in (message.data or b"")
        finally:
            await client.close()
