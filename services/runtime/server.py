"""The gRPC server every service runs: health, reflection, interceptors, graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from services.runtime.auth import TokenRegistry
from services.runtime.interceptors import RpcInterceptor
from services.runtime.probes import PROBE_SECONDS, Dependency, DependencyProbe
from services.runtime.readiness import Readiness
from services.runtime.reflection import enable_reflection
from services.runtime.replicas import SERVER_OPTIONS
from services.runtime.supervisor import BackgroundTask, Backoff, Loop, supervise

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1024 * 1024
"""Largest request accepted; bigger ones get RESOURCE_EXHAUSTED from gRPC itself."""

__all__ = ["BackgroundTask", "Registration", "RunningService", "ServiceParts", "serve"]


@dataclass(frozen=True, slots=True)
class Registration:
    """One gRPC service: how to add it to a server and its full name."""

    add_to_server: Callable[[grpc.aio.Server], None]
    service_name: str


@dataclass
class ServiceParts:
    """What a service contributes: its gRPC services, its background loops and the servers
    it depends on."""

    registrations: Sequence[Registration]
    background: Sequence[Loop | BackgroundTask] = field(default_factory=tuple)
    """Supervised loops; a bare function is a required loop named after it."""
    dependencies: Sequence[Dependency] = field(default_factory=tuple)
    """Probed while serving (services.runtime.probes)."""
    public_methods: frozenset[str] = frozenset()
    """Full method names callable without a bearer token."""


@dataclass
class RunningService:
    port: int
    health: health.HealthServicer
    readiness: Readiness

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def serve(
    listen: str,
    tokens: TokenRegistry,
    parts: ServiceParts,
    grace_seconds: float = 5.0,
    *,
    restarts: Backoff = Backoff(),  # noqa: B008 - immutable
    probe_seconds: float = PROBE_SECONDS,
) -> AsyncIterator[RunningService]:
    """Serve until the block exits, then stop gracefully: health NOT_SERVING first, then the
    background loops, then in-flight RPCs get ``grace_seconds`` to finish.

    Meanwhile health follows the dependencies (probed every ``probe_seconds``) and the
    required loops (restarted after a failure as ``restarts`` says)."""
    server = grpc.aio.server(
        interceptors=[RpcInterceptor(tokens, parts.public_methods)],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
            *SERVER_OPTIONS,
        ],
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [r.service_name for r in parts.registrations]
    for registration in parts.registrations:
        registration.add_to_server(server)
    enable_reflection([*names, health.SERVICE_NAME], server)
    port = server.add_insecure_port(listen)
    await server.start()
    stop = asyncio.Event()
    readiness = Readiness(health_servicer, names)
    await readiness.publish()
    loops = [_as_loop(task) for task in parts.background]
    if parts.dependencies:
        probe = DependencyProbe(parts.dependencies, readiness, probe_seconds)
        loops.append(Loop("dependency-probe", probe.run))
    tasks = [asyncio.create_task(supervise(loop, stop, readiness, restarts)) for loop in loops]
    log.info("serving", extra={"port": port, "services": names})
    try:
        yield RunningService(port, health_servicer, readiness)
    finally:
        await health_servicer.enter_graceful_shutdown()
        stop.set()
        # Supervised loops notice the stop within their poll interval; a loop blocked on I/O is
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


def _as_loop(task: Loop | BackgroundTask) -> Loop:
    if isinstance(task, Loop):
        return task
    return Loop(getattr(task, "__qualname__", repr(task)), task)
