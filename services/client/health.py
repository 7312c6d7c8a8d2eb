"""gRPC health checks of the services, reported rather than raised."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.client.config import Service

SERVING = "SERVING"
UNREACHABLE = "UNREACHABLE"
NO_ANSWER = "NO ANSWER"
UNKNOWN_SERVICE = "UNKNOWN SERVICE"


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    """What one service said about itself, or why it said nothing."""

    service: Service
    address: str
    status: str
    """``SERVING``, ``NOT_SERVING``, ``UNREACHABLE``, ``NO ANSWER``, ``UNKNOWN SERVICE``
    (something else listens there), or another gRPC status code name."""
    detail: str = ""

    @property
    def serving(self) -> bool:
        return self.status == SERVING

    @property
    def unreachable(self) -> bool:
        """Nothing answered: no server at the address, or none within the deadline."""
        return self.status in {UNREACHABLE, NO_ANSWER}


async def check(
    channel: grpc.aio.Channel, service: Service, address: str, deadline_seconds: float
) -> ServiceHealth:
    """Asks the server at ``address`` whether ``service`` is serving; never raises for an
    RPC failure."""
    stub = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest(service=service.grpc_name)
    try:
        reply = await stub.Check(request, timeout=deadline_seconds)
    except grpc.aio.AioRpcError as error:
        detail = " ".join((error.details() or "").split())
        status = {
            grpc.StatusCode.UNAVAILABLE: UNREACHABLE,
            grpc.StatusCode.DEADLINE_EXCEEDED: NO_ANSWER,
            grpc.StatusCode.NOT_FOUND: UNKNOWN_SERVICE,
            grpc.StatusCode.UNIMPLEMENTED: UNKNOWN_SERVICE,
        }.get(error.code(), error.code().name)
        return ServiceHealth(service, address, status, detail)
    name = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    return ServiceHealth(service, address, name)
