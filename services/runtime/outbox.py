"""The transactional outbox: events written with their state change, relayed to JetStream.

Writers append an entry to the Redis Stream ``<service>:outbox`` in the same atomic step as
the state change (a Lua script or MULTI/EXEC), so a change and its event exist together or
not at all. The relay reads entries through a consumer group shared by all replicas,
publishes each with ``Nats-Msg-Id = event_id``, waits for JetStream's acknowledgement, and
only then acknowledges and deletes the entry. If NATS is down, entries wait. If a relay
dies between publish and acknowledge, another replica reclaims the entry after
``claim_idle_ms`` and publishes it again; JetStream drops it as a duplicate.

Entry states: *new* (in the stream, not delivered to a relay), *in progress* (pending in
the group), *published* (acknowledged and deleted).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nats.js import JetStreamContext
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.runtime import metrics
from services.runtime.bus import publish
from services.runtime.events import OutgoingEvent
from services.runtime.redis_values import as_text
from services.runtime.stopping import pause_unless_stopped

log = logging.getLogger(__name__)

GROUP = "relay"


EVENT_FIELDS = ("subject", "event_id", "payload", "type", "traceparent", "headers")
"""The fields of an outbox entry, in the order ``event_args`` gives their values. An event
without extra headers has no ``headers`` field (nor had entries written before it existed)."""


def entry_fields(event: OutgoingEvent) -> dict[str, str | bytes]:
    """Fields of an outbox entry, for writers using MULTI/EXEC instead of Lua.

    Lua writers take the same values (``event_args``, named by ``services.runtime.scripts``)
    and append them with ``services/runtime/lua/outbox.lua``.
    """
    fields = dict(zip(EVENT_FIELDS, event_args(event), strict=True))
    if not fields["headers"]:
        del fields["headers"]
    return fields


def event_args(event: OutgoingEvent | None) -> list[str | bytes]:
    """The values of ``entry_fields`` in order, as arguments of a Lua script (empty strings
    for no event)."""
    if event is None:
        return ["", "", b"", "", "", ""]
    headers = json.dumps(dict(event.extra_headers)) if event.extra_headers else ""
    return [
        event.subject,
        event.event_id,
        event.payload,
        event.message_type,
        event.traceparent,
        headers,
    ]


def event_from_fields(fields: dict[bytes, bytes]) -> OutgoingEvent:
    headers = fields.get(b"headers")
    return OutgoingEvent(
        subject=fields[b"subject"].decode(),
        event_id=fields[b"event_id"].decode(),
        payload=fields[b"payload"],
        message_type=fields[b"type"].decode(),
        traceparent=fields.get(b"traceparent", b"").decode(),  # absent in older entries
        extra_headers=tuple(json.loads(headers).items()) if headers else (),
    )


@dataclass
class OutboxRelay:
    """Moves outbox entries to JetStream: publish, wait for the ack, then acknowledge."""

    redis: Redis
    js: JetStreamContext
    key: str
    consumer: str
    batch: int = 256
    claim_idle_ms: int = 30_000
    retry_delay: float = 0.5
    sample_seconds: float = 1.0
    """How often the loop samples the backlog into the outbox gauges."""
    published: int = field(default=0, init=False)
    _own_pending: bool = field(default=True, init=False)
    _next_reclaim: float = field(default=0.0, init=False)
    _next_sample: float = field(default=0.0, init=False)

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def run(self, stop: asyncio.Event) -> None:
        await self.ensure_group()
        while not stop.is_set():
            try:
                if time.monotonic() >= self._next_sample:  # also while NATS is away
                    self._next_sample = time.monotonic() + self.sample_seconds
                    await self.sample_backlog()
                await self.relay_once(block_ms=500)
            except Exception as error:  # NATS or Redis away: entries stay, try again
                log.warning("outbox relay paused: %r", error, extra={"outbox": self.key})
                await pause_unless_stopped(stop, self.retry_delay)

    async def relay_once(self, block_ms: int | None = None) -> int:
        """Relay one batch: stale entries of dead relays, own unfinished ones, or new ones."""
        entries: list[tuple[bytes, OutgoingEvent]] = []
        now = time.monotonic()
        if now >= self._next_reclaim:
            self._next_reclaim = now + self.claim_idle_ms / 2000
            entries = await self._reclaim_stale()
        if not entries and self._own_pending:
            entries = await self._read("0", None)
            self._own_pending = bool(entries)
        if not entries:
            entries = await self._read(">", block_ms)
        if not entries:
            return 0
        self._own_pending = True  # until acknowledged, these are ours to finish
        await self.publish_entries(entries)
        await self.acknowledge([entry_id for entry_id, _ in entries])
        self._own_pending = False
        return len(entries)

    async def publish_entries(self, entries: Sequence[tuple[bytes, OutgoingEvent]]) -> None:
        """Publish in order, pipelined; raises if any publish is not acknowledged."""
        acks = await asyncio.gather(*(publish(self.js, event) for _, event in entries))
        published = sum(1 for ack in acks if not ack.duplicate)
        self.published += published
        metrics.OUTBOX_PUBLISHED.labels(self.key).inc(published)

    async def acknowledge(self, entry_ids: Sequence[bytes]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.key, GROUP, *entry_ids)
            pipe.xdel(self.key, *entry_ids)
            await pipe.execute()

    async def _read(self, start: str, block_ms: int | None) -> list[tuple[bytes, OutgoingEvent]]:
        response: Any = await self.redis.xreadgroup(
            GROUP, self.consumer, {self.key: start}, count=self.batch, block=block_ms
        )
        if not response:
            return []
        _, messages = response[0]
        return [(entry_id, event_from_fields(fields)) for entry_id, fields in messages if fields]

    async def _reclaim_stale(self) -> list[tuple[bytes, OutgoingEvent]]:
        """Take over entries another relay left pending for longer than claim_idle_ms."""
        claimed: Any = await self.redis.xautoclaim(
            self.key, GROUP, self.consumer, self.claim_idle_ms, "0-0", count=self.batch
        )
        messages = claimed[1]
        # Entries deleted while pending: Redis 7 lists them apart, Redis 6.2 as (id, None).
        gone = list(claimed[2]) if len(claimed) > 2 else []
        gone += [entry_id for entry_id, fields in messages if not fields]
        if gone:
            await self.redis.xack(self.key, GROUP, *gone)
        return [(entry_id, event_from_fields(fields)) for entry_id, fields in messages if fields]

    async def depth(self) -> int:
        """Entries not yet published (new and in progress)."""
        return int(await self.redis.xlen(self.key))

    async def sample_backlog(self) -> Backlog:
        """Measure the backlog and set the outbox gauges to it, in one round trip.

        The age comes from the first entry's id, which Redis makes from its clock in
        milliseconds, measured against Redis's clock too: the service's clock may differ.
        """
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xlen(self.key)
            pipe.xrange(self.key, count=1)
            pipe.time()
            depth, first, (seconds, micros) = await pipe.execute()
        age = 0.0
        if first:
            created_ms = int(as_text(first[0][0]).partition("-")[0])
            age = max(seconds + micros / 1e6 - created_ms / 1000, 0.0)
        backlog = Backlog(int(depth), age)
        metrics.OUTBOX_DEPTH.labels(self.key).set(backlog.depth)
        metrics.OUTBOX_OLDEST_AGE.labels(self.key).set(backlog.oldest_age_seconds)
        return backlog


@dataclass(frozen=True, slots=True)
class Backlog:
    depth: int
    """Entries not yet published (new and in progress)."""
    oldest_age_seconds: float
    """How long the oldest of them has waited; 0 when there are none."""
