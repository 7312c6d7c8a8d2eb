"""Wires notify: store, use cases, gRPC adapter."""

from __future__ import annotations

import os
import secrets

from services.notify.grpc_api import NotifyApi
from services.notify.service import NotifyService
from services.notify.store import NotifyStore
from services.runtime.config import RuntimeSettings, SettingsError
from services.runtime.connections import Connections
from services.runtime.server import Registration, ServiceParts
from socialerasmus.notify.v1 import notify_pb2, notify_pb2_grpc

SERVICE = "notify"
DEFAULT_PORT = 50053
SERVICE_NAME = notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name
UNSUBSCRIBE_METHOD = f"/{SERVICE_NAME}/Unsubscribe"


def unsubscribe_secret(settings: RuntimeSettings) -> bytes:
    """SE_NOTIFY_UNSUBSCRIBE_SECRET; the local stack keeps a generated one in its folder."""
    configured = os.environ.get("SE_NOTIFY_UNSUBSCRIBE_SECRET", "")
    if configured:
        return configured.encode()
    if not settings.uses_local_stack:
        raise SettingsError("SE_NOTIFY_UNSUBSCRIBE_SECRET is required with external NATS/Redis")
    path = settings.local_dir / "unsubscribe.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


async def notify_parts(connections: Connections, settings: RuntimeSettings) -> ServiceParts:
    service = NotifyService(NotifyStore(connections.redis), unsubscribe_secret(settings))
    api = NotifyApi(service)
    return ServiceParts(
        registrations=[
            Registration(
                lambda server: notify_pb2_grpc.add_NotifyServiceServicer_to_server(api, server),
                SERVICE_NAME,
            )
        ],
        public_methods=frozenset({UNSUBSCRIBE_METHOD}),
    )
