"""Wires the catalogue: store, use cases, gRPC adapter, outbox relay."""

from __future__ import annotations

from services.catalogue import keys
from services.catalogue.grpc_api import CatalogueApi
from services.catalogue.service import CatalogueService
from services.catalogue.store import CatalogueStore
from services.runtime.config import RuntimeSettings
from services.runtime.connections import Connections
from services.runtime.outbox import OutboxRelay
from services.runtime.server import Registration, ServiceParts
from socialerasmus.catalogue.v1 import catalogue_pb2, catalogue_pb2_grpc

SERVICE = "catalogue"
DEFAULT_PORT = 50051
SERVICE_NAME = catalogue_pb2.DESCRIPTOR.services_by_name["CatalogueService"].full_name


async def catalogue_parts(connections: Connections, settings: RuntimeSettings) -> ServiceParts:
    service = CatalogueService(CatalogueStore(connections.redis))
    api = CatalogueApi(service)
    relay = OutboxRelay(connections.redis, connections.js, keys.OUTBOX, settings.instance)
    return ServiceParts(
        registrations=[
            Registration(
                lambda server: catalogue_pb2_grpc.add_CatalogueServiceServicer_to_server(
                    api, server
                ),
                SERVICE_NAME,
            )
        ],
        background=[relay.run],
    )
