"""A running catalogue service, in process, over the suite's real NatsClient and Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from services.catalogue.app import catalogue_parts
from services.runtime.auth import TokenRegistry
from services.runtime.clock import Clock, utc_now
from services.runtime.connections import connected
from services.runtime.server import RunningService, serve
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from tests.conftest import Stack, channel_to


@dataclass
class Catalogue:
    stub: CatalogueServiceStub
    running: RunningService
    stack: Stack


class MovableClock:
    """The catalogue's clock in a test: real time, moved forward by what the test says."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead

    def move(self, by: timedelta) -> None:
        self.ahead += by


@dataclass
class TimedCatalogue(Catalogue):
    clock: MovableClock


@contextlib.asynccontextmanager
async def running_catalogue(
    stack: Stack, clock: Clock = utc_now
) -> AsyncIterator[tuple[CatalogueServiceStub, RunningService]]:
    settings = stack.settings("catalogue")
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        connected(settings) as connections,
        serve(
            settings.listen, tokens, await catalogue_parts(connections, settings, clock), 0.5
        ) as running,
        channel_to(running.address) as channel,
    ):
        yield CatalogueServiceStub(channel), running


@pytest.fixture
async def catalogue(clean_stack: Stack) -> AsyncIterator[Catalogue]:
    async with running_catalogue(clean_stack) as (stub, running):
        yield Catalogue(stub, running, clean_stack)


@pytest.fixture
async def timed_catalogue(clean_stack: Stack) -> AsyncIterator[TimedCatalogue]:
    """A catalogue whose clock a test moves forward (to let an activity start)."""
    clock = MovableClock()
    async with running_catalogue(clean_stack, clock) as (stub, running):
        yield TimedCatalogue(stub, running, clean_stack, clock)


class EventLog:
    """Reads what actually landed in a JetStream stream, message by message."""

    def __init__(self, client: NatsClient) -> None:
        self.client = client

    async def all(self, stream: str = "CATALOGUE") -> list[RawStreamMsg]:
        js = self.client.jetstream()
        info = await js.stream_info(stream)
        messages: list[RawStreamMsg] = []
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            try:
                messages.append(await js.get_msg(stream, sequence))
            except NotFoundError:
                continue  # deleted (an erased student's)
        return messages

    async def wait_for(
        self, count: int, timeout: float = 10.0, stream: str = "CATALOGUE"
    ) -> list[RawStreamMsg]:
        js = self.client.jetstream()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            info = await js.stream_info(stream)
            if info.state.messages >= count or asyncio.get_running_loop().time() > deadline:
                return await self.all(stream)
            await asyncio.sleep(0.05)


@pytest.fixture
async def event_log(clean_stack: Stack) -> AsyncIterator[EventLog]:
    client = await nats.connect(clean_stack.nats_url)
    yield EventLog(client)
    await client.close()
