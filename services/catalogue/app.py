"""Wires the catalogue: store, use cases, gRPC adapter, outbox relay, erasure consumers."""

from __future__ import annotations

import asyncio
import logging

from services.catalogue import keys
from services.catalogue.erasure import CatalogueErasure
from services.catalogue.grpc_api import CatalogueApi
from services.catalogue.service import CatalogueService
from services.catalogue.store import CatalogueStore
from services.catalogue.subscriptions import subscriptions
from services.runtime import metrics
from services.runtime.clock import Clock, utc_now
from services.runtime.config import RuntimeSettings
from services.runtime.connections import Connections
from services.runtime.erasure import Tombstones
from services.runtime.outbox import OutboxRelay
from services.runtime.probes import dependencies_of
from services.runtime.server import Registration, ServiceParts
from services.runtime.subscriptions import durable_consumers
from services.runtime.supervisor import BackgroundTask, Loop
from socialerasmus.catalogue.v1 import catalogue_pb2, catalogue_pb2_grpc

log = logging.getLogger(__name__)

SERVICE = "catalogue"
DEFAULT_PORT = 50051
SERVICE_NAME = catalogue_pb2.DESCRIPTOR.services_by_name["CatalogueService"].full_name


def index_earlier_enrolments(store: CatalogueStore) -> BackgroundTask:
    """Index the enrolments made before each student's were indexed, once, beside serving
    (their students' listings miss them until then), then wait for the stop."""

    async def run(stop: asyncio.Event) -> None:
        indexed = await store.index_earlier_enrolments()
        if indexed:
            log.info("earlier enrolments indexed", extra={"enrolments": indexed})
        await stop.wait()

    return run


async def catalogue_parts(
    connections: Connections, settings: RuntimeSettings, clock: Clock = utc_now
) -> ServiceParts:
    metrics.expose(metrics.CATALOGUE_FAMILIES)
    store = CatalogueStore(connections.redis)
    service = CatalogueService(store, clock)
    api = CatalogueApi(service)
    relay = OutboxRelay(connections.redis, connections.js, keys.OUTBOX, settings.instance)
    erasure = CatalogueErasure(service, store, connections.js)
    tombstones = Tombstones(
        connections.redis, keys.PREFIX, settings.personal_data_retention_seconds
    )
    consumers = await durable_consumers(connections.js, subscriptions(tombstones, erasure))
    return ServiceParts(
        registrations=[
            Registration(
                lambda server: catalogue_pb2_grpc.add_CatalogueServiceServicer_to_server(
                    api, server
                ),
                SERVICE_NAME,
            )
        ],
        background=[
            Loop("outbox-relay", relay.run),
            Loop("enrolment-index", index_earlier_enrolments(store), required=False),
            *(c.loop() for c in consumers),
        ],
        # Without NATS, writes still succeed: their events wait in the outbox.
        dependencies=dependencies_of(connections, needs_nats=False),
    )
