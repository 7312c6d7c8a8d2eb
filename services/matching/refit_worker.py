"""Worker processes for CPU-bound steps (those of a refit, a Week allocation), so they do not
compete with requests for the serving process's interpreter.

Every worker process is spawned (not forked: gRPC's threads do not survive a fork), runs at a
lower priority with one thread for numerical libraries, and exits when the process that
started it is gone, whatever it is doing. :class:`RefitWorker` keeps one for the serving
process (a refit's at the lowest priority; a Week's, which a caller waits for, less low),
started on first use and killed at once when the service stops; a step in it may start
processes of its own with :func:`worker_pool` (a Week finds its candidates in several).

They are ``concurrent.futures`` process pools: a ``multiprocessing`` pool's processes are
daemons, which may not start processes of their own.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

__all__ = [
    "NICENESS",
    "STEP_TIMEOUT_SECONDS",
    "BrokenProcessPool",
    "RefitWorker",
    "kill",
    "worker_pool",
]

NICENESS = 19
"""How much lower the worker's priority is than the serving process's."""
STEP_TIMEOUT_SECONDS = 900.0
"""A step still running after this long is given up, and the worker replaced (a worker that
died takes its step with it)."""

T = TypeVar("T")


def worker_pool(
    processes: int,
    niceness: int = 0,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of ``processes`` worker processes, started as they are first needed, each
    ``niceness`` lower than this process (which they inherit), with one thread for numerical
    libraries, running ``initializer(*initargs)`` first (the arguments are sent once to each
    process, not with every call) and exiting when this process is gone."""
    return ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_started,
        initargs=(niceness, initializer, initargs),
    )


def kill(pool: ProcessPoolExecutor) -> None:
    """Ends the pool's processes at once, whatever they are doing: their calls, and those
    waiting for a process, fail with :class:`BrokenProcessPool`."""
    # A pool has no public way to reach its processes before Python 3.14 (terminate_workers).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False)
    for process in processes:
        process.terminate()


def _started(
    niceness: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    if niceness:
        os.nice(niceness)
    threadpool_limits(1)
    _exit_with_parent()
    if initializer is not None:
        initializer(*initargs)


def _exit_with_parent() -> None:
    """A worker whose parent was killed would wait for work forever, holding its memory (a
    Week's helpers, a copy of the index each): it exits as soon as the parent is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class RefitWorker:
    """One worker process, started on first use; steps run one after another."""

    def __init__(self, niceness: int = NICENESS) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._niceness = niceness

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the worker process (both must pickle). Raises
        :class:`BrokenProcessPool` when the process died meanwhile (the next call starts
        another)."""
        if self._pool is None:
            self._pool = worker_pool(1, self._niceness)
        pool = self._pool
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(pool, function, *args), STEP_TIMEOUT_SECONDS
            )
        except TimeoutError:
            self.close()
            raise
        except BrokenProcessPool:
            if self._pool is pool:
                self.close()
            raise

    def close(self) -> None:
        """Kill the worker, if any; the next :meth:`run` starts a new one."""
        if self._pool is not None:
            kill(self._pool)
            self._pool = None
