"""The retry policy for deliveries: what an attempt's result means, and when to try again.

Pure: no clock and no sleeping. A channel makes ONE attempt and reports a
:class:`DeliveryAttempt`; the caller stores the next due time (``now + next_delay(...)``) in a
schedule, so retries survive a restart instead of living in a sleeping coroutine.

The status handling follows the Standard Webhooks recommendations (2xx is success; 3xx is a
failure, redirects are not followed; 429, 502, 504 ask to slow down; ``Retry-After`` is taken
into account), with ``410 Gone`` and the other 4xx treated as final.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class Outcome(StrEnum):
    """What to do with a message after one attempt."""

    DELIVERED = "delivered"
    RETRY = "retry"
    GIVE_UP = "give_up"


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """The result of one delivery attempt on any channel."""

    outcome: Outcome
    status_code: int | None = None
    """HTTP status for webhooks, SMTP reply code for e-mail; None when no answer came."""
    error: str | None = None
    """A short, log-safe description of the failure (never the payload or a secret)."""
    retry_after: str | None = None
    """The raw ``Retry-After`` header of a 429 or 503 answer, for :meth:`RetryPolicy.next_delay`."""


RETRYABLE_STATUSES = frozenset({408, 429})
"""4xx answers that mean "not now" rather than "never"."""


def classify(status_code: int | None, timed_out: bool) -> Outcome:
    """The outcome of an HTTP attempt.

    ``status_code`` is None when no answer came at all (timeout, refused or reset connection):
    those are worth retrying. 2xx is delivered; 5xx, 408 and 429 are retried; 3xx (redirects are
    not followed), the other 4xx (including ``410 Gone``) and anything else are given up.
    """
    if timed_out or status_code is None:
        return Outcome.RETRY
    if 200 <= status_code <= 299:
        return Outcome.DELIVERED
    if 500 <= status_code <= 599 or status_code in RETRYABLE_STATUSES:
        return Outcome.RETRY
    return Outcome.GIVE_UP


def parse_retry_after(value: str | None, now: datetime | None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value (RFC 9110 section 10.2.3).

    Accepts delay-seconds (``"120"``) or an HTTP date (``"Wed, 21 Oct 2026 07:28:00 GMT"``,
    which needs ``now``). Returns None when the value is absent or unusable; a date in the past
    gives 0.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(int(value))
    if now is None or now.tzinfo is None:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC with no zone information
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter, a cap per delay and a bounded number of attempts.

    With the defaults the delays before attempts 2..8 are about 2, 4, 8, 16, 32, 64 and 128
    seconds (each +/- 10%), then the message is given up.
    """

    max_attempts: int = 8
    """Attempts in total, the first one included."""
    base_seconds: float = 2.0
    """Delay after the first failed attempt."""
    factor: float = 2.0
    """Growth of the delay from one attempt to the next."""
    max_delay_seconds: float = 3600.0
    """No delay is longer, not even one asked for by ``Retry-After``."""
    jitter: float = 0.1
    """Each computed delay is spread uniformly over +/- this fraction of itself."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_seconds < 0 or self.max_delay_seconds < 0:
            raise ValueError("delays must not be negative")
        if self.factor < 1:
            raise ValueError("factor must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def next_delay(
        self,
        attempt: int,
        retry_after_header: str | None = None,
        *,
        now: datetime | None = None,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when ``attempt`` was the last one.

        ``attempt`` counts the attempts made so far (1 after the first failure).
        ``retry_after_header`` is :attr:`DeliveryAttempt.retry_after`: when present and usable
        it replaces the back-off (no jitter: the receiver named the time), capped at
        ``max_delay_seconds``. An HTTP-date value needs ``now`` (timezone-aware); without it
        the back-off applies. ``rng`` makes the jitter reproducible in tests.
        """
        if attempt < 1:
            raise ValueError("attempt counts the attempts made, starting at 1")
        if attempt >= self.max_attempts:
            return None
        asked = parse_retry_after(retry_after_header, now)
        if asked is not None:
            return min(asked, self.max_delay_seconds)
        try:
            grown = self.base_seconds * self.factor ** (attempt - 1)
        except OverflowError:
            grown = self.max_delay_seconds
        delay = min(grown, self.max_delay_seconds)
        uniform = rng.uniform if rng is not None else random.uniform
        spread = uniform(-self.jitter, self.jitter)
        return min(max(0.0, delay * (1.0 + spread)), self.max_delay_seconds)
