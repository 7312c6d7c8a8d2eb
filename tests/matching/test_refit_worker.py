"""The worker processes: a step whose process is killed fails at once and the next gets a new
process; processes a worker started do not outlive it."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from services.matching import service
from services.matching.refit_worker import BrokenProcessPool, RefitWorker, worker_pool
from tests.waiting import eventually


def write_pid_then_sleep(path: str) -> None:
    written = Path(f"{path}.part")
    written.write_text(str(os.getpid()))
    written.rename(path)  # whole, for the test that waits for it
    time.sleep(600)


def start_a_helper_then_sleep(path: str) -> None:
    """What a Week's step does: a pool of its own, whose process works until told to stop."""
    pool = worker_pool(1)
    pool.submit(write_pid_then_sleep, path).result()


def running(pid: int) -> bool:
    """Neither gone nor a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]


async def test_a_step_whose_worker_is_killed_fails_and_the_next_step_gets_a_new_one(
    tmp_path: Path,
) -> None:
    worker = RefitWorker(niceness=0)
    try:
        first = await worker.run(os.getpid)
        marker = tmp_path / "pid"
        step = asyncio.ensure_future(worker.run(write_pid_then_sleep, str(marker)))
        await eventually(marker.exists, "the step to start")
        worker.close()
        with pytest.raises(BrokenProcessPool):
            await step
        second = await worker.run(os.getpid)
        assert second != first
        assert not running(first)
    finally:
        worker.close()


async def test_processes_started_by_a_worker_end_when_it_is_killed(tmp_path: Path) -> None:
    worker = RefitWorker(niceness=0)
    marker = tmp_path / "pid"
    step = asyncio.ensure_future(worker.run(start_a_helper_then_sleep, str(marker)))
    try:
        await eventually(marker.exists, "the helper to start")
        helper = int(marker.read_text())
        assert running(helper)
    finally:
        worker.close()
    with pytest.raises(BrokenProcessPool):
        await step
    await eventually(lambda: not running(helper), "the helper to end with its parent")


async def test_the_service_stopping_kills_the_weeks_worker_and_what_it_runs(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "pid"
    step = asyncio.ensure_future(service._SOLVER.run(write_pid_then_sleep, str(marker)))
    await eventually(marker.exists, "the step to start")
    stop = asyncio.Event()
    stop.set()
    await service.week_worker_until_stopped(stop)
    with pytest.raises(BrokenProcessPool):  # AllocateWeek answers UNAVAILABLE
        await step
    assert await service._SOLVER.run(os.getpid) != int(marker.read_text())  # a new one
