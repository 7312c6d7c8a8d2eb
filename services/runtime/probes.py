"""A periodic look at the servers a service depends on: PING Redis, check the NATS connection.

Each probe sets ``se_dependency_up{dependency}``, logs when a dependency goes away and when
it is back, and, for a dependency the service cannot work without, turns its health
NOT_SERVING and SERVING again (services.runtime.readiness). Which dependencies a service
needs is its own declaration (``dependencies_of``), made where the service is wired.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from nats.aio.client import Client as NatsClient
from redis.asyncio import Redis

from services.runtime import metrics
from services.runtime.connections import Connections
from services.runtime.readiness import Readiness
from services.runtime.stopping import pause_unless_stopped

log = logging.getLogger(__name__)

PROBE_SECONDS = 1.0
"""How often each dependency is probed."""
PROBE_TIMEOUT_SECONDS = 2.0
"""How long one probe may take; a server that accepts but does not answer is down too."""


class NotConnected(ConnectionError):
    """The NATS client is reconnecting or closed."""


@dataclass(frozen=True, slots=True)
class Dependency:
    """A server the service talks to, and how to tell whether it answers."""

    name: str
    check: Callable[[], Awaitable[object]]
    """Returns when the server answers; raises when it does not."""
    required: bool = True
    """Whether the service is NOT_SERVING while the dependency is down."""


def redis_dependency(redis: Redis, *, required: bool = True) -> Dependency:
    return Dependency("redis", redis.ping, required)


def nats_dependency(client: NatsClient, *, required: bool = True) -> Dependency:
    async def round_trip() -> None:
        if not client.is_connected:
            raise NotConnected("reconnecting" if client.is_reconnecting else "not connected")
        await client.flush(timeout=int(PROBE_TIMEOUT_SECONDS))

    return Dependency("nats", round_trip, required)


def dependencies_of(connections: Connections, *, needs_nats: bool) -> list[Dependency]:
    """Redis, which every service needs to answer, and NATS, which ``needs_nats`` says."""
    return [
        redis_dependency(connections.redis),
        nats_dependency(connections.nats, required=needs_nats),
    ]


@dataclass
class DependencyProbe:
    """Probes every dependency each ``interval_seconds`` until stopped."""

    dependencies: Sequence[Dependency]
    readiness: Readiness
    interval_seconds: float = PROBE_SECONDS
    timeout_seconds: float = PROBE_TIMEOUT_SECONDS
    _up: dict[str, bool] = field(default_factory=dict, init=False)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.gather(*(self.probe(d) for d in self.dependencies))
            await pause_unless_stopped(stop, self.interval_seconds)

    async def probe(self, dependency: Dependency) -> bool:
        """Look once; record and report the answer; True when the dependency answered."""
        try:
            async with asyncio.timeout(self.timeout_seconds):
                await dependency.check()
        except Exception as error:  # whatever the cause, it did not answer
            up, why = False, repr(error)
        else:
            up, why = True, ""
        before = self._up.get(dependency.name)
        self._up[dependency.name] = up
        context = {"dependency": dependency.name, "required": dependency.required}
        if not up and before is not False:
            log.warning("%s unreachable: %s", dependency.name, why, extra=context)
        elif up and before is False:
            log.info("%s reachable again", dependency.name, extra=context)
        metrics.DEPENDENCY_UP.labels(dependency.name).set(1 if up else 0)
        if dependency.required:
            await self.readiness.report(dependency.name, up=up)
        return up
