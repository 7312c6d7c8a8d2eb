"""Wires matching: store, index following the catalogue, use cases, consumers, relay."""

from __future__ import annotations

import asyncio
import logging

from services.matching import keys
from services.matching.follower import CatalogueFollower
from services.matching.grpc_api import MatchingApi
from services.matching.index import ActivityIndex
from services.matching.model import ModelRefresher
from services.matching.nearby import SectionMap
from services.matching.service import (
    MatchingService,
    policy_from_env,
    week_worker_until_stopped,
)
from services.matching.snapshots import SnapshotStore, SnapshotWriter, restore
from services.matching.store import MatchingStore
from services.matching.subscriptions import subscriptions
from services.runtime import metrics
from services.runtime.config import RuntimeSettings
from services.runtime.connections import Connections
from services.runtime.outbox import OutboxRelay
from services.runtime.probes import dependencies_of
from services.runtime.server import Registration, ServiceParts
from services.runtime.subscriptions import durable_consumers
from services.runtime.supervisor import Loop
from socialerasmus.matching.v1 import matching_pb2, matching_pb2_grpc

SERVICE = "matching"
DEFAULT_PORT = 50052
SERVICE_NAME = matching_pb2.DESCRIPTOR.services_by_name["MatchingService"].full_name
INDEX_READY_TIMEOUT_SECONDS = 300.0

log = logging.getLogger(__name__)


async def matching_parts(connections: Connections, settings: RuntimeSettings) -> ServiceParts:
    """Build matching; returns once the index has caught up with the catalogue stream."""
    metrics.expose(metrics.MATCHING_FAMILIES)
    store = MatchingStore(connections.redis, connections.redis_url)
    snapshots = SnapshotStore(connections.js, settings.stream_replicas)
    follower = await restore(snapshots) or CatalogueFollower(ActivityIndex())
    index = follower.index
    sections = SectionMap()
    policy = policy_from_env()
    model = ModelRefresher(
        store, index, sections, policy.relearn_seconds, redis_url=connections.redis_url
    )
    service = MatchingService(store, index, model, sections, policy=policy)
    api = MatchingApi(service)
    relay = OutboxRelay(connections.redis, connections.js, keys.OUTBOX, settings.instance)
    consumers = await durable_consumers(connections.js, subscriptions(service, store))
    ready, stop_following = asyncio.Event(), asyncio.Event()
    following = asyncio.create_task(follower.run(connections.js, ready, stop_following))
    await asyncio.wait_for(ready.wait(), INDEX_READY_TIMEOUT_SECONDS)
    log.info("index ready", extra={"activities": len(index), "sequence": follower.applied_sequence})

    async def follow(stop: asyncio.Event) -> None:
        """The follower started above, until the service stops or it fails; run again by
        the supervisor after a failure, it resumes after the last event applied."""
        nonlocal following
        if following.done():
            following = asyncio.create_task(follower.run(connections.js, ready, stop_following))
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({following, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if stop.is_set() or not following.done():
                stop_following.set()
        await following  # raises the follower's failure

    return ServiceParts(
        registrations=[
            Registration(
                lambda server: matching_pb2_grpc.add_MatchingServiceServicer_to_server(api, server),
                SERVICE_NAME,
            )
        ],
        background=[
            Loop("outbox-relay", relay.run),
            Loop("index-follower", follow),
            # Without snapshots a replica starts slower, nothing else.
            Loop(
                "index-snapshots",
                SnapshotWriter(snapshots, follower, policy.snapshot_seconds).run,
                required=False,
            ),
            # A failed refit leaves the last model serving: worse, not wrong.
            Loop("model-refresher", model.run, required=False),
            Loop("week-worker", week_worker_until_stopped, required=False),
            *(c.loop() for c in consumers),
        ],
        # Recommendations come from the in-memory index, which only waits for NATS to follow.
        dependencies=dependencies_of(connections, needs_nats=False),
    )
