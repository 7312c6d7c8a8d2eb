"""Services as processes of their own: start one, wait until it serves, stop them.

For the run command and for tools that bring up a fresh stack of services (the evaluations),
so that none of them needs another's code to do it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

__all__ = ["ServiceProcess", "start_service", "stop_processes", "wait_until_serving"]


@dataclass(frozen=True, slots=True)
class ServiceProcess:
    """A service to run as ``python -m <module>`` on a port of this machine."""

    name: str
    module: str
    port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


async def wait_until_serving(address: str, timeout: float = 30.0) -> bool:
    """True once the server at ``address`` reports SERVING, False after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while asyncio.get_running_loop().time() < deadline:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return True
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.2)
    return False


async def wait_until_answering(url: str, timeout: float = 30.0) -> bool:
    """Whether the HTTP server at ``url`` answers 200 within ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient(timeout=1) as client:
        while asyncio.get_running_loop().time() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(url)).status_code == 200:
                    return True
            await asyncio.sleep(0.2)
    return False


def start_service(
    service: ServiceProcess, env: dict[str, str], logs: Path
) -> subprocess.Popen[bytes]:
    """Starts the service on its port, its output appended to ``<logs>/<name>.log``."""
    logs.mkdir(parents=True, exist_ok=True)
    child_env = {**env, f"SE_{service.name.upper()}_LISTEN": f"127.0.0.1:{service.port}"}
    with (logs / f"{service.name}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", service.module], env=child_env, stdout=log, stderr=log
        )


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each process still running, then 15 s each to stop before SIGKILL."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
