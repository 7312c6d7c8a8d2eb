"""Catalogue, matching and notify running in process over the suite's real NATS and Redis,
reached by address like any client would."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from services.catalogue.app import catalogue_parts
from services.notify.app import notify_parts
from services.notify.store import NotifyStore
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.server import serve
from socialerasmus.notify.v1 import notify_pb2
from tests.conftest import Stack
from tests.matching.conftest import running_matching

UNSUBSCRIBE_SECRET = "test-unsubscribe-secret"


@dataclass
class Running:
    catalogue: str
    matching: str
    notify: str
    notify_store: NotifyStore
    """Puts items in inboxes: nothing consumes events into them yet."""


@contextlib.asynccontextmanager
async def running_services(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    monkeypatch.setenv("SE_NOTIFY_UNSUBSCRIBE_SECRET", UNSUBSCRIBE_SECRET)
    catalogue_settings = stack.settings("catalogue")
    notify_settings = stack.settings("notify")
    tokens = TokenRegistry.from_file(catalogue_settings.tokens_file)
    redis = Redis.from_url(stack.redis_url)
    try:
        async with (
            connected(catalogue_settings) as for_catalogue,
            serve(
                catalogue_settings.listen,
                tokens,
                await catalogue_parts(for_catalogue, catalogue_settings),
                0.5,
            ) as catalogue,
            running_matching(stack) as (_, matching),
            connected(notify_settings) as for_notify,
            serve(
                notify_settings.listen,
                tokens,
                await notify_parts(for_notify, notify_settings),
                0.5,
            ) as notify,
        ):
            yield Running(catalogue.address, matching.address, notify.address, NotifyStore(redis))
    finally:
        await redis.aclose()


def inbox_item(item_id: str, student_id: str) -> notify_pb2.InboxItem:
    """A suggestion as notify would put it in an inbox."""
    created = notify_pb2.InboxItem(
        id=item_id,
        student_id=student_id,
        kind="suggestion",
        subject="A beach clean-up near you",
        text="ESN Valencia UPV cleans up La Malvarrosa on Saturday.",
    )
    created.created_at.GetCurrentTime()
    return created
