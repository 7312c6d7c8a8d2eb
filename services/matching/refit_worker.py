"""One worker process for CPU-bound steps (those of a refit, a Week allocation), so they do
not compete with requests for the serving process's interpreter.

The process is spawned (not forked: gRPC's threads do not survive a fork) on first use, runs
at a lower priority (a refit's the lowest; a Week's, which a caller waits for, less low) with
one thread for numerical libraries, and is killed at once when the service stops, whatever it
is doing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.pool import Pool
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

__all__ = ["NICENESS", "STEP_TIMEOUT_SECONDS", "RefitWorker"]

NICENESS = 19
"""How much lower the worker's priority is than the serving process's."""
STEP_TIMEOUT_SECONDS = 900.0
"""A step still running after this long is given up, and the worker replaced (a worker that
died takes its step with it)."""

T = TypeVar("T")


def _yield_to_serving(niceness: int) -> None:
    os.nice(niceness)
    threadpool_limits(1)


class RefitWorker:
    def __init__(self, niceness: int = NICENESS) -> None:
        self._pool: Pool | None = None
        self._niceness = niceness

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the worker process (both must pickle)."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(1, initializer=_yield_to_serving, initargs=(self._niceness,))
        loop = asyncio.get_running_loop()
        result: asyncio.Future[T] = loop.create_future()

        def settle(outcome: Any, failed: bool) -> None:
            if result.done():
                return
            if failed:
                result.set_exception(outcome)
            else:
                result.set_result(outcome)

        self._pool.apply_async(
            function,
            args,
            callback=lambda value: loop.call_soon_threadsafe(settle, value, False),
            error_callback=lambda error: loop.call_soon_threadsafe(settle, error, True),
        )
        try:
            return await asyncio.wait_for(result, STEP_TIMEOUT_SECONDS)
        except TimeoutError:
            self.close()
            raise

    def close(self) -> None:
        """Kill the worker, if any; the next :meth:`run` starts a new one."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None
