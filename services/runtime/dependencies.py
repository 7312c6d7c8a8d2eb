"""Failures of the servers a service depends on, told apart from bugs.

A call that fails because Redis or NATS cannot be reached is not the service's fault and may
well succeed a moment later: callers get UNAVAILABLE with a retry hint, never INTERNAL.
"""

from __future__ import annotations

import nats.errors
import nats.js.errors
import redis.exceptions

__all__ = ["DEPENDENCY_FAILURES", "RETRY_AFTER_SECONDS", "dependency_of"]

RETRY_AFTER_SECONDS = 1.0
"""What an UNAVAILABLE answer suggests waiting before the next attempt."""

_REDIS_FAILURES: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,  # also: no pooled connection free in time
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,  # restarted, still loading its data
)
_NATS_FAILURES: tuple[type[BaseException], ...] = (
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoServersError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.StaleConnectionError,
    nats.errors.TimeoutError,
    nats.js.errors.ServiceUnavailableError,
)

DEPENDENCY_FAILURES: tuple[type[BaseException], ...] = _REDIS_FAILURES + _NATS_FAILURES
"""Exceptions that mean a dependency did not answer, as opposed to a bug."""


def dependency_of(failure: BaseException) -> str:
    """Which dependency a failure of :data:`DEPENDENCY_FAILURES` came from."""
    return "Redis" if isinstance(failure, _REDIS_FAILURES) else "NATS"
