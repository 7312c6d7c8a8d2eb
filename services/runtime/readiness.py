"""Whether a service can do its work right now, as its gRPC health says.

A service is SERVING while nothing it needs is down: a dependency probe
(services.runtime.probes) or a supervised loop (services.runtime.supervisor) reports what it
needs and whether it has it, and the health of the server as a whole (``""``) and of each of
its gRPC services follows, without a restart, in both directions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from grpc_health.v1 import health, health_pb2

log = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING

LIVENESS = "liveness"
"""A health name that is SERVING for as long as the server runs, whatever is down: for
liveness probes, which would otherwise restart every replica while Redis is away, when
restarting helps nothing."""


class Readiness:
    """What is down, and the health statuses that follow from it."""

    def __init__(self, servicer: health.aio.HealthServicer, names: Sequence[str]) -> None:
        self._servicer = servicer
        self._names = ["", *names]
        self._down: set[str] = set()
        self._serving: bool | None = None

    @property
    def down(self) -> frozenset[str]:
        """What is missing now (a dependency's or a loop's name); empty while SERVING."""
        return frozenset(self._down)

    async def report(self, what: str, *, up: bool) -> None:
        """``what`` (a dependency or a loop the service cannot work without) is up or down."""
        if up:
            self._down.discard(what)
        else:
            self._down.add(what)
        await self.publish()

    async def publish(self) -> None:
        """Set the health statuses to what is known now (SERVING when nothing is down)."""
        if self._serving is None:
            await self._servicer.set(LIVENESS, SERVING)
        serving = not self._down
        if serving == self._serving:
            return
        first = self._serving is None
        self._serving = serving
        for name in self._names:  # ignored by the servicer once shutdown has begun
            await self._servicer.set(name, SERVING if serving else NOT_SERVING)
        if serving and not first:
            log.info("serving again")
        elif not serving:
            log.warning("not serving", extra={"down": sorted(self._down)})
