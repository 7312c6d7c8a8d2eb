"""Start-up steps retried while JetStream is not ready, and only then."""

from __future__ import annotations

import pytest
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import ServiceUnavailableError

from services.runtime.patience import until_jetstream_answers


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ready"


async def test_timeouts_and_unavailability_are_waited_out() -> None:
    step = Flaky([NatsTimeoutError(), ServiceUnavailableError()])
    assert await until_jetstream_answers(step, "test", timeout=5, pause=0.01) == "ready"
    assert step.calls == 3


async def test_other_errors_are_not_retried() -> None:
    step = Flaky([ValueError("bad stream configuration")])
    with pytest.raises(ValueError, match="bad stream"):
        await until_jetstream_answers(step, "test", timeout=5, pause=0.01)
    assert step.calls == 1


async def test_it_gives_up_after_the_timeout_with_the_last_error() -> None:
    step = Flaky([NatsTimeoutError() for _ in range(100)])
    with pytest.raises(NatsTimeoutError):
        await until_jetstream_answers(step, "test", timeout=0.1, pause=0.02)
    assert 2 <= step.calls <= 7
