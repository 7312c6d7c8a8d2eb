"""The retry policy: outcomes of HTTP answers, back-off, caps, and Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from services.notify.retry import Outcome, RetryPolicy, classify, parse_retry_after

NOW = datetime(2027, 3, 15, 12, 0, 0, tzinfo=UTC)
NO_JITTER = RetryPolicy(jitter=0.0)


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_delivered(status: int) -> None:
    assert classify(status, timed_out=False) is Outcome.DELIVERED


@pytest.mark.parametrize("status", [500, 502, 503, 504, 599, 408, 429])
def test_server_errors_timeouts_and_rate_limits_are_retried(status: int) -> None:
    assert classify(status, timed_out=False) is Outcome.RETRY


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 413, 422, 301, 302, 307, 308, 100])
def test_other_4xx_and_redirects_are_given_up(status: int) -> None:
    assert classify(status, timed_out=False) is Outcome.GIVE_UP


def test_no_answer_is_retried() -> None:
    assert classify(None, timed_out=True) is Outcome.RETRY
    assert classify(None, timed_out=False) is Outcome.RETRY  # refused or reset connection


def test_delays_grow_exponentially_until_attempts_run_out() -> None:
    delays = [NO_JITTER.next_delay(attempt) for attempt in range(1, 9)]

    assert delays == [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, None]


def test_delays_are_capped() -> None:
    policy = RetryPolicy(max_attempts=30, base_seconds=60, factor=3, max_delay_seconds=3600)

    rng = random.Random(1)
    capped = [policy.next_delay(attempt, rng=rng) for attempt in (5, 29) for _ in range(50)]

    # Jitter still spreads capped delays (below the cap, never above it).
    assert all(d is not None and 3240 <= d <= 3600 for d in capped)
    assert policy.next_delay(30) is None


def test_huge_exponents_do_not_overflow() -> None:
    policy = RetryPolicy(max_attempts=10_000, jitter=0.0)

    assert policy.next_delay(5_000) == 3600


def test_jitter_stays_within_its_fraction_and_varies() -> None:
    policy = RetryPolicy()
    rng = random.Random(42)
    delays = [policy.next_delay(3, rng=rng) for _ in range(200)]

    assert all(d is not None and 7.2 <= d <= 8.8 for d in delays)
    assert len(set(delays)) > 100


def test_retry_after_seconds_replace_the_back_off() -> None:
    assert NO_JITTER.next_delay(1, "120") == 120.0
    assert NO_JITTER.next_delay(1, " 0 ") == 0.0


def test_retry_after_is_capped() -> None:
    assert NO_JITTER.next_delay(1, "86400") == 3600


def test_retry_after_as_http_date() -> None:
    assert NO_JITTER.next_delay(1, "Mon, 15 Mar 2027 12:05:00 GMT", now=NOW) == 300.0
    assert NO_JITTER.next_delay(1, "Mon, 15 Mar 2027 11:00:00 GMT", now=NOW) == 0.0


def test_an_http_date_without_now_or_a_bad_value_falls_back_to_the_back_off() -> None:
    assert NO_JITTER.next_delay(2, "Mon, 15 Mar 2027 12:05:00 GMT") == 4.0
    assert NO_JITTER.next_delay(2, "soon", now=NOW) == 4.0
    assert NO_JITTER.next_delay(2, "-5", now=NOW) == 4.0


def test_retry_after_does_not_extend_the_attempts() -> None:
    assert NO_JITTER.next_delay(8, "5") is None


def test_parse_retry_after() -> None:
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("30", None) == 30.0
    assert parse_retry_after("Mon, 15 Mar 2027 12:00:10 GMT", NOW) == 10.0
    assert parse_retry_after("Mon, 15 Mar 2027 12:00:10 GMT", NOW.replace(tzinfo=None)) is None


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"base_seconds": -1}, {"factor": 0.5}, {"jitter": 1.5}],
)
def test_a_nonsensical_policy_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="starting at 1"):
        NO_JITTER.next_delay(0)
