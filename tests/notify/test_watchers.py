"""WatchInbox streams of one replica over one Redis pub/sub connection, against real Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from services.notify import keys
from services.notify.store import NotifyStore
from services.notify.watchers import InboxWatchers
from socialerasmus.notify.v1.notify_pb2 import InboxItem
from tests.waiting import eventually


def item(item_id: str, student_id: str = "ana") -> InboxItem:
    created = InboxItem(id=item_id, student_id=student_id, kind="suggestion", subject=item_id)
    created.created_at.FromDatetime(datetime(2027, 3, 1, tzinfo=UTC))
    return created


@pytest.fixture
async def watchers(redis_client: Redis) -> AsyncIterator[InboxWatchers]:
    running = InboxWatchers(redis_client)
    yield running
    await running.close()


async def subscribers(redis: Redis, student_id: str) -> int:
    counts: Any = await redis.pubsub_numsub(keys.inbox_channel(student_id))
    return int(counts[0][1])


async def until_subscribed(redis: Redis, student_id: str, count: int = 1) -> None:
    async def subscribed() -> bool:
        return await subscribers(redis, student_id) >= count

    await eventually(subscribed, f"{count} subscriber(s) of {student_id}'s inbox")


async def pubsub_connections(redis: Redis) -> int:
    clients: Any = await redis.client_list()
    return sum(1 for c in clients if int(c.get("sub", 0)) > 0)


async def test_a_watch_receives_only_the_student_s_new_items(
    watchers: InboxWatchers, redis_client: Redis
) -> None:
    store = NotifyStore(redis_client)
    await store.add_inbox_item(item("before"))
    watch = watchers.watch("ana")
    received = asyncio.ensure_future(anext(watch))
    try:
        await until_subscribed(redis_client, "ana")
        await store.add_inbox_item(item("other", "ben"))
        await store.add_inbox_item(item("after"))
        assert (await asyncio.wait_for(received, 5)).id == "after"
        await store.add_inbox_item(item("after"))  # stored once, so not pushed again
        await store.add_inbox_item(item("later"))
        assert (await asyncio.wait_for(anext(watch), 5)).id == "later"
    finally:
        received.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await received
        await watch.aclose()  # type: ignore[attr-defined]
    assert await subscribers(redis_client, "ana") == 0


async def test_hundreds_of_watches_share_one_connection_and_each_gets_its_items(
    watchers: InboxWatchers, redis_client: Redis
) -> None:
    students = [f"student-{n:03d}" for n in range(300)]
    streams = [watchers.watch(s) for s in students] + [watchers.watch("student-000")]
    firsts = [asyncio.ensure_future(anext(stream)) for stream in streams]
    try:
        await until_subscribed(redis_client, "student-299")
        assert await pubsub_connections(redis_client) == 1
        assert watchers.watched_students == 300
        store = NotifyStore(redis_client)
        for student in students:
            await store.add_inbox_item(item(f"for-{student}", student))
        got = await asyncio.wait_for(asyncio.gather(*firsts), 10)
        assert [g.id for g in got] == [f"for-{s}" for s in students] + ["for-student-000"]
    finally:
        for first in firsts:
            first.cancel()
        await asyncio.gather(*firsts, return_exceptions=True)
        for stream in streams:
            await stream.aclose()  # type: ignore[attr-defined]
    assert watchers.watched_students == 0
    # UNSUBSCRIBE is only sent when the last watch ends; Redis counts it once it has read it.
    await eventually(lambda: _unsubscribed(redis_client, "student-000"), "the channel unsubscribed")


async def _unsubscribed(redis: Redis, student_id: str) -> bool:
    return await subscribers(redis, student_id) == 0
