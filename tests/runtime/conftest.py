"""Fixtures of the runtime's tests: a NATS client of the suite's server, with the streams."""

from __future__ import annotations

from collections.abc import AsyncIterator

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from services.runtime.streams import provision_streams
from tests.conftest import Stack


@pytest.fixture
async def nats_client(clean_stack: Stack) -> AsyncIterator[NatsClient]:
    client = await nats.connect(clean_stack.nats_url)
    yield client
    await client.close()


@pytest.fixture
async def js(nats_client: NatsClient) -> JetStreamContext:
    context = nats_client.jetstream()
    await provision_streams(context)
    return context
