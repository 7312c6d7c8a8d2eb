"""Retrying start-up steps that JetStream may not answer yet.

A service often starts while its NATS cluster is still forming (a rolling upgrade, a fresh
Kubernetes namespace, a node restarting): stream and consumer requests then time out or get
"service unavailable" until a meta leader is elected. Those steps are retried here for a
while instead of crashing the process into a restart loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import ServiceUnavailableError

log = logging.getLogger(__name__)

T = TypeVar("T")

NOT_READY: Final = (NatsTimeoutError, NoRespondersError, ServiceUnavailableError, TimeoutError)
"""What JetStream answers (or fails to) while it is not ready."""


async def until_jetstream_answers(
    step: Callable[[], Awaitable[T]], what: str, timeout: float = 60.0, pause: float = 1.0
) -> T:
    """Runs ``step`` until it succeeds, retrying while JetStream is not ready; raises the last
    error once ``timeout`` seconds have passed. Other errors are raised at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await step()
        except NOT_READY as error:
            if loop.time() + pause > deadline:
                raise
            log.warning("%s: JetStream not ready (%r), retrying", what, error)
            await asyncio.sleep(pause)
