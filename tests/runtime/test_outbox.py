"""The outbox relay: in order, and exactly once across a relay crash."""

from __future__ import annotations

import asyncio

import nats
from redis.asyncio import Redis

from services.runtime.events import OutgoingEvent, new_event_id
from services.runtime.outbox import OutboxRelay, entry_fields
from services.runtime.streams import provision_streams
from tests.conftest import Stack


async def test_a_relay_that_dies_between_publish_and_ack_causes_no_duplicate(
    clean_stack: Stack, redis_client: Redis
) -> None:
    """Another relay reclaims the unacknowledged entries; JetStream drops the re-publish."""
    client = await nats.connect(clean_stack.nats_url)
    js = client.jetstream()
    await provision_streams(js)
    key = "test:outbox"
    events = [
        OutgoingEvent("se.catalogue.activity.published", new_event_id(), bytes([n]), "t.T")
        for n in range(10)
    ]
    for event in events:
        await redis_client.xadd(key, entry_fields(event))  # type: ignore[arg-type]

    dying = OutboxRelay(redis_client, js, key, consumer="relay-a", claim_idle_ms=100)
    await dying.ensure_group()
    taken = await dying._read(">", None)
    await dying.publish_entries(taken)  # ...and the process dies before acknowledging
    assert len(taken) == 10

    survivor = OutboxRelay(redis_client, js, key, consumer="relay-b", claim_idle_ms=100)
    await asyncio.sleep(0.2)
    assert await survivor.relay_once() == 10  # reclaimed and published again
    assert survivor.published == 0  # every re-publish was recognised as a duplicate

    info = await js.stream_info("CATALOGUE")
    assert info.state.messages == 10
    assert await redis_client.xlen(key) == 0
    await client.close()


async def test_relay_publishes_in_order_and_empties_the_outbox(
    clean_stack: Stack, redis_client: Redis
) -> None:
    """Entries are published in the order they were written, then deleted."""
    client = await nats.connect(clean_stack.nats_url)
    js = client.jetstream()
    await provision_streams(js)
    key = "test:outbox"
    events = [
        OutgoingEvent("se.catalogue.activity.updated", new_event_id(), f"{n}".encode(), "t.T")
        for n in range(300)
    ]
    for event in events:
        await redis_client.xadd(key, entry_fields(event))  # type: ignore[arg-type]
    relay = OutboxRelay(redis_client, js, key, consumer="relay-a", batch=64)
    await relay.ensure_group()
    while await relay.relay_once():
        pass
    assert relay.published == 300
    assert await relay.depth() == 0
    got = [(await js.get_msg("CATALOGUE", seq)).data for seq in range(1, 301)]
    assert got == [e.payload for e in events]
    await client.close()
