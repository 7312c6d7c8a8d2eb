"""The gRPC server every service runs: health, reflection, interceptors, graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.runtime.auth import TokenRegistry
from services.runtime.interceptors import (
    AccessLogInterceptor,
    AuthInterceptor,
    ErrorMappingInterceptor,
)

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1024 * 1024
"""Largest request accepted; bigger ones get RESOURCE_EXHAUSTED from gRPC itself."""

BackgroundTask = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Registration:
    """One gRPC service: how to add it to a server and its full name."""

    add_to_server: Callable[[grpc.aio.Server], None]
    service_name: str


@dataclass
class ServiceParts:
    """What a service contributes: its gRPC services and its background loops."""

    registrations: Sequence[Registration]
    background: Sequence[BackgroundTask] = field(default_factory=tuple)
    public_methods: frozenset[str] = frozenset()
    """Full method names callable without a bearer token."""


@dataclass
class RunningService:
    port: int
    health: health.HealthServicer

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def serve(
    listen: str, tokens: TokenRegistry, parts: ServiceParts, grace_seconds: float = 5.0
) -> AsyncIterator[RunningService]:
    """Serve until the block exits, then stop gracefully: health NOT_SERVING first, then the
    background loops, then in-flight RPCs get ``grace_seconds`` to finish."""
    server = grpc.aio.server(
        interceptors=[
            AccessLogInterceptor(),
            ErrorMappingInterceptor(),
            AuthInterceptor(tokens, parts.public_methods),
        ],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
        ],
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [r.service_name for r in parts.registrations]
    for registration in parts.registrations:
        registration.add_to_server(server)
    reflection.enable_server_reflection(
        [*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    port = server.add_insecure_port(listen)
    await server.start()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(task(stop)) for task in parts.background]
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("serving", extra={"port": port, "services": names})
    try:
        yield RunningService(port, health_servicer)
    finally:
        await health_servicer.enter_graceful_shutdown()
        stop.set()
        # Loops notice the stop within their poll interval; a loop blocked on I/O is
        # cancelled, which is safe: unacknowledged work is redelivered or reclaimed.
        _, blocked = await asyncio.wait(tasks, timeout=0.1) if tasks else (set(), set())
        for task in blocked:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("background task failed: %r", result)
        await server.stop(grace_seconds)
        log.info("stopped", extra={"port": port})
