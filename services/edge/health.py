"""The edge's own health, and that of the services behind it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

CHECK_SECONDS = 1.0


async def backend_status(channel: grpc.aio.Channel) -> str:
    """SERVING, NOT_SERVING, ... as the service's gRPC health check answers, or UNAVAILABLE
    when it does not answer in time."""
    try:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=CHECK_SECONDS
        )
    except grpc.aio.AioRpcError:
        return "UNAVAILABLE"
    name: str = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    return name


async def backend_statuses(channels: Mapping[str, grpc.aio.Channel]) -> dict[str, str]:
    statuses = await asyncio.gather(*(backend_status(c) for c in channels.values()))
    return dict(zip(channels, statuses, strict=True))
