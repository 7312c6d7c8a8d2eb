"""The processes the run command keeps alive: each is started again, with back-off, when it
exits, and the others go on meanwhile.

The services reconnect to NATS and Redis on their own, and the servers keep their data on
disk, so any one of them can come back without the rest noticing more than a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from services.runtime.supervisor import Backoff

Start = Callable[[], subprocess.Popen[bytes]]
"""Starts the process; may block until it is ready, and raise if it did not get ready."""

RESTARTS = Backoff(first_seconds=1.0, cap_seconds=30.0)
"""A process that ran for the cap before exiting is restarted after a second again."""


def exit_reason(returncode: int) -> str:
    """How a process ended, as a person reads it: its exit code or the signal that ended it."""
    if returncode < 0:
        with contextlib.suppress(ValueError):
            return f"was stopped by {signal.Signals(-returncode).name}"
        return f"was stopped by signal {-returncode}"
    return f"exited with code {returncode}"


@dataclass
class Child:
    """One process kept alive, started by ``start``; ``where`` tells where to look."""

    name: str
    start: Start
    process: subprocess.Popen[bytes]
    where: str
    backoff: Backoff = RESTARTS
    failures: int = field(default=0, init=False)
    started_at: float = field(default_factory=time.monotonic, init=False)
    restart_at: float | None = field(default=None, init=False)

    async def look_after(self, say: Callable[[str], None]) -> None:
        """Notice an exit and plan a restart, or restart once the back-off has passed."""
        now = time.monotonic()
        if self.restart_at is None:
            returncode = self.process.poll()
            if returncode is not None:
                self._plan_restart(now, f"{self.name} {exit_reason(returncode)}", say)
            return
        if now < self.restart_at:
            return
        self.restart_at = None
        self.started_at = now
        try:
            self.process = await asyncio.to_thread(self.start)
        except Exception as error:  # e.g. the port is still taken: try again later
            self._plan_restart(time.monotonic(), f"{self.name} did not start ({error})", say)
            return
        say(f"{self.name} restarted")

    def _plan_restart(self, now: float, what: str, say: Callable[[str], None]) -> None:
        ran_long = now - self.started_at >= self.backoff.cap_seconds
        self.failures = 1 if ran_long else self.failures + 1
        delay = self.backoff.delay(self.failures)
        self.restart_at = now + delay
        say(f"{what}; restarting it in {delay:.1f} s (see {self.where})")
