"""Index snapshots in the real JetStream object store, and replicas starting from them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import nats
import pytest
from nats.js import JetStreamContext

from services.matching import snapshots
from services.matching.follower import CatalogueFollower
from services.matching.index import ActivityIndex
from services.matching.snapshots import SnapshotStore, SnapshotWriter
from services.runtime.streams import provision_streams
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import ACTIVITY_STATE_CANCELLED, Activity
from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.catalogue.builders import activity_id, valid_activity
from tests.conftest import Stack, bearer
from tests.matching.builders import valid_profile
from tests.matching.conftest import running_matching
from tests.waiting import eventually

PLATFORM = bearer("platform")


@contextlib.asynccontextmanager
async def jetstream(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats_url)
    try:
        js = client.jetstream()
        await provision_streams(js)
        yield js
    finally:
        await client.close()


def beach(n: int, now: datetime | None = None) -> Activity:
    return valid_activity(id=activity_id(n), now=now)


async def publish(js: JetStreamContext, item: Activity) -> None:
    if item.state == ACTIVITY_STATE_CANCELLED:
        event = events_pb2.ActivityCancelled(event_id=f"c-{item.id}", activity=item)
        await js.publish("se.catalogue.activity.cancelled", event.SerializeToString())
        return
    published = events_pb2.ActivityPublished(event_id=f"p-{item.id}", activity=item)
    await js.publish("se.catalogue.activity.published", published.SerializeToString())


async def followed(js: JetStreamContext, follower: CatalogueFollower) -> None:
    """Runs ``follower`` until it has applied everything in the stream now."""
    last = (await js.stream_info("CATALOGUE")).state.last_seq
    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(follower.run(js, ready, stop))
    await eventually(lambda: follower.applied_sequence >= last, f"sequence {last}")
    stop.set()
    await task


async def test_a_snapshot_of_many_chunks_is_saved_and_loaded_whole(clean_stack: Stack) -> None:
    async with jetstream(clean_stack) as js:
        for n in range(1, 1501):
            await publish(js, beach(n))
        follower = CatalogueFollower(ActivityIndex())
        await followed(js, follower)
        store = SnapshotStore(js)
        assert await store.stored_header() is None
        assert await snapshots.restore(store) is None

        header = await store.save(follower)
        stored = await store.stored_header()
        loaded = await snapshots.restore(store)

        bucket = await js.object_store(snapshots.BUCKET)
        assert ((await bucket.get_info(snapshots.OBJECT)).chunks or 0) > 1
        assert stored == header
        assert header.sequence == 1500
        assert loaded is not None
        assert loaded.applied_sequence == 1500
        assert sorted(loaded.index.activity_ids()) == sorted(follower.index.activity_ids())


async def test_a_restored_follower_resumes_after_the_snapshot(clean_stack: Stack) -> None:
    async with jetstream(clean_stack) as js:
        for n in (1, 2, 3):
            await publish(js, beach(n))
        first = CatalogueFollower(ActivityIndex())
        await followed(js, first)
        store = SnapshotStore(js)
        await store.save(first)
        cancelled = beach(2)
        cancelled.state, cancelled.version = ACTIVITY_STATE_CANCELLED, 2
        await publish(js, cancelled)
        await publish(js, beach(4))
        for sequence in (1, 2, 3):  # a replay from the start could not know these activities
            await js.delete_msg("CATALOGUE", sequence)

        restored = await snapshots.restore(store)
        assert restored is not None
        await followed(js, restored)

        assert sorted(restored.index.activity_ids()) == [activity_id(n) for n in (1, 3, 4)]
        assert restored.applied_sequence == 5


async def test_a_snapshot_of_another_stream_is_ignored(clean_stack: Stack) -> None:
    async with jetstream(clean_stack) as js:
        await publish(js, beach(1))
        follower = CatalogueFollower(ActivityIndex())
        await followed(js, follower)
        store = SnapshotStore(js)
        await store.save(follower)
        await js.delete_stream("CATALOGUE")  # emptied and made again: sequences start over
        await provision_streams(js)
        await publish(js, beach(2))

        assert await snapshots.restore(store) is None


async def test_the_writer_saves_only_when_the_index_moved_on(clean_stack: Stack) -> None:
    async with jetstream(clean_stack) as js:
        await publish(js, beach(1))
        follower = CatalogueFollower(ActivityIndex())
        await followed(js, follower)
        store = SnapshotStore(js)
        writer = SnapshotWriter(store, follower, interval_seconds=0.05)
        stop = asyncio.Event()
        task = asyncio.create_task(writer.run(stop))
        try:
            await eventually(lambda: _sequence_at_least(store, 1), "a first snapshot")
            first = await store.stored_header()
            await asyncio.sleep(0.3)  # several intervals with nothing new
            assert await store.stored_header() == first
            await publish(js, beach(2))
            await followed(js, follower)
            await eventually(lambda: _sequence_at_least(store, 2), "a snapshot of the new event")
        finally:
            stop.set()
            await task


async def _sequence_at_least(store: SnapshotStore, sequence: int) -> bool:
    header = await store.stored_header()
    return header is not None and header.sequence >= sequence


async def test_a_new_replica_starts_from_the_snapshot_another_saved(
    clean_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SE_MATCHING_SNAPSHOT_SECONDS", "0.2")
    now = datetime.now(UTC)
    async with jetstream(clean_stack) as js:
        for n in (1, 2):
            await publish(js, beach(n, now))
        store = SnapshotStore(js)
        async with running_matching(clean_stack, "matching-1"):
            await eventually(lambda: _sequence_at_least(store, 2), "replica 1's snapshot")
        await publish(js, beach(3, now))
        for sequence in (1, 2):
            await js.delete_msg("CATALOGUE", sequence)

        async with running_matching(clean_stack, "matching-2") as (matching, _):
            await matching.UpsertProfile(
                pb.UpsertProfileRequest(profile=valid_profile(now)), metadata=PLATFORM
            )
            reply = await matching.Recommend(
                pb.RecommendRequest(student_id="ana", k=10), metadata=PLATFORM
            )

    assert sorted(r.activity.id for r in reply.recommendations) == [
        activity_id(n) for n in (1, 2, 3)
    ]
