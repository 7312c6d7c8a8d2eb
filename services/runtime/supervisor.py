"""Background loops that heal: a failure is logged, counted and followed by a restart.

Every loop a service runs beside its RPCs (outbox relay, consumers, index follower,
dispatcher, model refresher, dependency probe) runs under :func:`supervise`. A loop that
raises, or ends before its service stops, is started again after a capped exponential
back-off, so a fault outside the loop's own handling (an ack on a dead connection, a start-up
step while Redis was away) costs a pause, not the loop for the rest of the process's life.
While a loop the service cannot work without waits for its restart, the service is NOT_SERVING.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from services.runtime import metrics
from services.runtime.readiness import Readiness
from services.runtime.stopping import pause_unless_stopped

log = logging.getLogger(__name__)

BackgroundTask = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
"""A loop that runs until the event is set."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait before the n-th restart in a row: doubling from ``first_seconds``
    up to ``cap_seconds``, each wait drawn from its upper half so that replicas failing
    together do not retry together. A run that lasted ``cap_seconds`` starts the count over."""

    first_seconds: float = 0.5
    cap_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.first_seconds <= self.cap_seconds:
            raise ValueError("back-off needs 0 < first_seconds <= cap_seconds")

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failures in a row (1 for the first)."""
        ceiling = min(self.first_seconds * 2 ** max(failures - 1, 0), self.cap_seconds)
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True, slots=True)
class Loop:
    """A named background loop, and whether the service can work while it is down."""

    name: str
    """Names the loop in logs and metrics (``task`` label)."""
    run: BackgroundTask
    required: bool = True
    """False for a loop whose absence only makes the service worse, not wrong (say, a
    periodic refit that leaves the last model serving)."""


async def supervise(
    loop: Loop, stop: asyncio.Event, readiness: Readiness, backoff: Backoff
) -> None:
    """Run ``loop`` until ``stop``, restarting it after each failure."""
    failures_total = metrics.BACKGROUND_FAILURES.labels(loop.name)
    restarts_total = metrics.BACKGROUND_RESTARTS.labels(loop.name)
    up = metrics.BACKGROUND_UP.labels(loop.name)
    context = {"task": loop.name}
    failures = 0
    while not stop.is_set():
        up.set(1)
        started = time.monotonic()
        try:
            await loop.run(stop)
        except Exception:  # anything but cancellation: the loop is restarted
            log.exception("background task failed", extra=context)
        else:
            if stop.is_set():
                break
            log.error("background task ended before the service stopped", extra=context)
        failures_total.inc()
        up.set(0)
        failures = 1 if time.monotonic() - started >= backoff.cap_seconds else failures + 1
        if loop.required:
            await readiness.report(loop.name, up=False)
        delay = backoff.delay(failures)
        log.warning(
            "restarting background task in %.1f s", delay, extra={**context, "failures": failures}
        )
        if await pause_unless_stopped(stop, delay):
            break
        restarts_total.inc()
        if loop.required:
            await readiness.report(loop.name, up=True)
    up.set(0)
