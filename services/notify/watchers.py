"""Every WatchInbox stream of one replica, served by ONE Redis pub/sub connection.

A pub/sub connection per stream would hold one pooled Redis connection per watching student
for as long as they watch, and a few hundred open apps would exhaust the pool the delivery
work needs. Here each student's channel is subscribed once, while anyone watches it, and
each new item is copied to the queue of every stream watching that student.

Pub/sub is at-most-once: a client that reconnects should list the inbox to catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Final

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from services.notify import keys
from services.runtime.redis_values import as_text
from socialerasmus.notify.v1.notify_pb2 import InboxItem

__all__ = ["InboxWatchers"]

log = logging.getLogger(__name__)

QUEUE_SIZE: Final = 256
"""Items held for one slow stream; more are dropped for it (it can list the inbox)."""


class InboxWatchers:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._queues: dict[str, set[asyncio.Queue[InboxItem]]] = {}
        self._lock = asyncio.Lock()

    @property
    def watched_students(self) -> int:
        return len(self._queues)

    async def watch(self, student_id: str) -> AsyncIterator[InboxItem]:
        """Each item added to the student's inbox after this call starts iterating, until
        the caller stops."""
        queue: asyncio.Queue[InboxItem] = asyncio.Queue(QUEUE_SIZE)
        await self._join(student_id, queue)
        try:
            while True:
                yield await queue.get()
        finally:
            await self._leave(student_id, queue)

    async def close(self) -> None:
        async with self._lock:
            reader, self._reader = self._reader, None
            pubsub, self._pubsub = self._pubsub, None
            self._queues.clear()
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        if pubsub is not None:
            await pubsub.aclose()

    async def _join(self, student_id: str, queue: asyncio.Queue[InboxItem]) -> None:
        async with self._lock:
            if self._pubsub is None:
                self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            watchers = self._queues.setdefault(student_id, set())
            if not watchers:
                await self._pubsub.subscribe(keys.inbox_channel(student_id))
            watchers.add(queue)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read(self._pubsub))

    async def _leave(self, student_id: str, queue: asyncio.Queue[InboxItem]) -> None:
        async with self._lock:
            watchers = self._queues.get(student_id)
            if watchers is None:
                return
            watchers.discard(queue)
            if not watchers:
                del self._queues[student_id]
                if self._pubsub is not None:
                    await self._pubsub.unsubscribe(keys.inbox_channel(student_id))

    async def _read(self, pubsub: PubSub) -> None:
        while True:
            try:
                message: Any = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # redis-py reconnects and resubscribes on the next read
                log.warning("inbox watch connection failed, retrying: %r", error)
                await asyncio.sleep(1.0)
                continue
            if message is None or message.get("type") != "message":
                continue
            student_id = keys.student_of_inbox_channel(as_text(message["channel"]))
            item = InboxItem.FromString(message["data"])
            for queue in list(self._queues.get(student_id, ())):
                try:
                    queue.put_nowait(item)
                except asyncio.QueueFull:
                    log.warning("inbox watcher too slow, item dropped", extra={"item": item.id})
