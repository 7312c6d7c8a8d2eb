"""Retries with exponential back-off, for the failures where trying again can help.

UNAVAILABLE (the server could not be reached, or said it cannot serve right now) is retried
for every call. DEADLINE_EXCEEDED is retried only for idempotent reads: a write that timed
out may have been applied. Every other status is the server's answer and is final.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import grpc

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a call is tried."""

    max_attempts: int = 4
    """Attempts in all, the first included; 1 disables retries."""
    initial_backoff_seconds: float = 0.1
    """Pause before the second attempt."""
    max_backoff_seconds: float = 2.0
    """Longest pause between two attempts."""
    multiplier: float = 2.0
    """Each pause is this many times the previous one, up to the maximum."""
    jitter: float = 0.2
    """Each pause is shortened by a random share of up to this fraction, so that many
    clients retrying at once do not do it in step."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.initial_backoff_seconds < 0 or self.max_backoff_seconds < 0:
            raise ValueError("back-off must not be negative")
        if self.multiplier < 1:
            raise ValueError("multiplier must be at least 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def backoff(self, retry: int) -> float:
        """Upper bound of the pause before retry number ``retry`` (1 for the first retry)."""
        grown = self.initial_backoff_seconds * self.multiplier ** (retry - 1)
        return min(grown, self.max_backoff_seconds)

    def pause(self, retry: int) -> float:
        """The pause before retry number ``retry``, with jitter."""
        return self.backoff(retry) * (1 - random.uniform(0, self.jitter))

    def retries(self, code: grpc.StatusCode, *, idempotent: bool) -> bool:
        """Whether a call that failed with ``code`` is worth another attempt."""
        if code == grpc.StatusCode.UNAVAILABLE:
            return True
        return idempotent and code == grpc.StatusCode.DEADLINE_EXCEEDED


NO_RETRIES = RetryPolicy(max_attempts=1)


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]], policy: RetryPolicy, *, idempotent: bool
) -> T:
    """Await ``attempt()`` until it succeeds, fails for good or attempts run out.

    Raises the last :class:`grpc.aio.AioRpcError` when giving up.
    """
    for number in range(1, policy.max_attempts + 1):
        try:
            return await attempt()
        except grpc.aio.AioRpcError as error:
            last = number == policy.max_attempts
            if last or not policy.retries(error.code(), idempotent=idempotent):
                raise
        await asyncio.sleep(policy.pause(number))
    raise AssertionError("unreachable: the last attempt returns or raises")
