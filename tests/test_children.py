"""The run command's children kept alive, with a real redis-server as the child."""

from __future__ import annotations

import functools
import signal
from pathlib import Path

from redis.asyncio import Redis

from services.children import Child, exit_reason
from services.launcher import restart_server
from services.runtime.localstack import free_port, redis_server
from services.runtime.supervisor import Backoff
from tests.waiting import eventually


def test_an_exit_is_told_by_its_code_or_its_signal() -> None:
    assert exit_reason(0) == "exited with code 0"
    assert exit_reason(2) == "exited with code 2"
    assert exit_reason(-signal.SIGKILL) == "was stopped by SIGKILL"
    assert exit_reason(-signal.SIGTERM) == "was stopped by SIGTERM"


async def test_a_killed_server_is_started_again_on_its_port_with_its_data(tmp_path: Path) -> None:
    server = redis_server(tmp_path, free_port())
    server.start()
    try:
        assert server.process is not None
        child = Child(
            "redis-server",
            functools.partial(restart_server, server),
            server.process,
            "its log",
            Backoff(first_seconds=0.05, cap_seconds=1.0),
        )
        redis = Redis.from_url(f"redis://127.0.0.1:{server.port}/0")
        await redis.set("kept", "yes")  # in the append-only file before Redis answers
        said: list[str] = []
        server.process.kill()

        async def restarted() -> bool:
            await child.look_after(said.append)
            return said[-1:] == ["redis-server restarted"]

        await eventually(restarted, "the server restarted")
        assert said[0].startswith("redis-server was stopped by SIGKILL; restarting it in ")
        assert child.process is server.process and child.process.poll() is None
        assert await redis.get("kept") == b"yes"
        await redis.aclose()
    finally:
        server.stop()
