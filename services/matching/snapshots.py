"""Index snapshots in a JetStream object store: restored at start-up, refreshed while serving.

One object, shared by every replica: any replica may write it, the newest wins, and each is
whole (the object store publishes its metadata only once every chunk is stored). The header
travels as object headers too, so a replica learns whether the stored snapshot is older than
its own index without fetching it.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import ObjectMeta, ObjectMetaOptions, ObjectStoreConfig, StorageType
from nats.js.errors import BucketNotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from services.matching import index_snapshot
from services.matching.follower import STREAM, CatalogueFollower
from services.matching.index_snapshot import SnapshotHeader, SnapshotMismatch
from services.runtime.metrics import SNAPSHOT_BYTES, SNAPSHOT_SEQUENCE, SNAPSHOT_WRITES

__all__ = ["BUCKET", "OBJECT", "SnapshotStore", "SnapshotWriter", "restore"]

log = logging.getLogger(__name__)

BUCKET = "MATCHING_INDEX"
OBJECT = "activity-index"
CHUNK_BYTES = 512 * 1024
"""Under the NATS server's default maximum payload (1 MiB)."""
FIRST_CHECK_SECONDS = 10.0
"""After start-up: a replica that replayed the whole stream saves the next one the work."""


@dataclass
class SnapshotStore:
    js: JetStreamContext
    replicas: int = 1

    async def stored_header(self) -> SnapshotHeader | None:
        store = await self._bucket(create=False)
        if store is None:
            return None
        try:
            info = await store.get_info(OBJECT)
        except ObjectNotFoundError:
            return None
        return SnapshotHeader.from_headers(info.headers)

    async def load(self) -> CatalogueFollower | None:
        """The follower the stored snapshot holds, if there is one usable here."""
        store = await self._bucket(create=False)
        if store is None:
            return None
        stream = await self.js.stream_info(STREAM)
        with tempfile.TemporaryFile() as file:
            try:
                await store.get(OBJECT, writeinto=file)
            except ObjectNotFoundError:
                return None
            file.seek(0)
            return await asyncio.to_thread(
                index_snapshot.read,
                file,
                index_snapshot.encoder_fingerprint(),
                _created(stream.created),
                stream.state.last_seq,
            )

    async def save(self, follower: CatalogueFollower) -> SnapshotHeader:
        stream = await self.js.stream_info(STREAM)
        store = await self._bucket(create=True)
        assert store is not None
        with tempfile.TemporaryFile() as file:
            header = await index_snapshot.write(follower, _created(stream.created), file)
            size = file.tell()
            file.seek(0)
            meta = ObjectMeta(
                name=OBJECT,
                description=f"activity index at CATALOGUE sequence {header.sequence}",
                headers=header.as_headers(),
                options=ObjectMetaOptions(max_chunk_size=CHUNK_BYTES),
            )
            await store.put(OBJECT, file, meta=meta)
        SNAPSHOT_WRITES.inc()
        SNAPSHOT_SEQUENCE.set(header.sequence)
        SNAPSHOT_BYTES.set(size)
        return header

    async def _bucket(self, *, create: bool) -> ObjectStore | None:
        try:
            return await self.js.object_store(BUCKET)
        except BucketNotFoundError:
            if not create:
                return None
        config = ObjectStoreConfig(
            description="Snapshots of matching's activity index",
            storage=StorageType.FILE,
            replicas=self.replicas,
        )
        return await self.js.create_object_store(BUCKET, config=config)


async def restore(store: SnapshotStore) -> CatalogueFollower | None:
    """The follower of the stored snapshot, or ``None`` (replay the stream from the start)
    when there is none or it cannot be used; never fails start-up."""
    started = time.perf_counter()
    try:
        follower = await store.load()
    except SnapshotMismatch as mismatch:
        log.warning(
            "index snapshot not used, replaying the stream", extra={"reason": str(mismatch)}
        )
        return None
    except (NatsError, OSError, TimeoutError) as error:  # a slow or failing object store
        log.warning("index snapshot not read, replaying the stream", extra={"reason": repr(error)})
        return None
    if follower is not None:
        SNAPSHOT_SEQUENCE.set(follower.applied_sequence)
        log.info(
            "index restored from snapshot",
            extra={
                "activities": len(follower.index),
                "sequence": follower.applied_sequence,
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
    return follower


@dataclass
class SnapshotWriter:
    """Saves a snapshot every ``interval_seconds`` when the index has moved past the stored one."""

    store: SnapshotStore
    follower: CatalogueFollower
    interval_seconds: float

    async def run(self, stop: asyncio.Event) -> None:
        delay = min(FIRST_CHECK_SECONDS, self.interval_seconds)
        while not await _stopped(stop, delay):
            delay = self.interval_seconds
            if not await self._behind():
                continue
            started = time.perf_counter()
            header = await self.store.save(self.follower)
            log.info(
                "index snapshot saved",
                extra={
                    "activities": header.activities,
                    "sequence": header.sequence,
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )

    async def _behind(self) -> bool:
        """Whether the stored snapshot, if any, covers less than this replica's index."""
        applied = self.follower.applied_sequence
        if applied == 0:
            return False
        stored = await self.store.stored_header()
        if stored is None:
            return True
        stream = await self.store.js.stream_info(STREAM)
        return (
            stored.fingerprint != index_snapshot.encoder_fingerprint()
            or stored.stream_created != _created(stream.created)
            or stored.sequence < applied
        )


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


def _created(created: object) -> str:
    return "" if created is None else str(created)
