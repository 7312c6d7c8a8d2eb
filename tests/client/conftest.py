"""The three services, running for a client test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.client.servers import Running, running_services
from tests.conftest import Stack


@pytest.fixture
async def running(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    async with running_services(clean_stack, monkeypatch) as services:
        yield services
