"""The three services and the HTTP edge in front of them, each its own process as in
production, over the suite's real NATS and Redis; one set per test module."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.launcher import SERVICES, start_edge
from services.runtime.localstack import free_port
from services.runtime.processes import (
    ServiceProcess,
    start_service,
    stop_processes,
    wait_until_serving,
)
from tests.conftest import Stack, reset
from tests.waiting import eventually

PAGE_ORIGIN = "https://platform.esn.example"
"""The one origin the edge under test lets browsers call it from."""


def token(name: str) -> dict[str, str]:
    """HTTP headers authenticating as one of tests.conftest.TOKENS."""
    return {"Authorization": f"Bearer token-of-{name}"}


@dataclass(frozen=True)
class Platform:
    url: str
    """The edge, ``http://127.0.0.1:<port>``."""
    addresses: Mapping[str, str]
    """The services' gRPC addresses, by name."""


@contextlib.contextmanager
def edge_process(
    services: list[ServiceProcess], logs: Path, origins: str = PAGE_ORIGIN
) -> Iterator[str]:
    """``python -m services.edge`` as the run command starts it, in front of ``services``,
    letting pages of ``origins`` (comma-separated) call it; yields its URL (see ``answers``)."""
    port = free_port()
    env = {
        **os.environ,
        "SE_HTTP_LISTEN": f"127.0.0.1:{port}",
        "SE_HTTP_ALLOWED_ORIGINS": origins,
    }
    process = start_edge(services, env, logs)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_processes([process])


async def answers(url: str) -> bool:
    """Whether the edge at ``url`` serves."""
    async with httpx.AsyncClient() as client:
        try:
            return (await client.get(f"{url}/healthz")).status_code == 200
        except httpx.TransportError:
            return False


async def ready(url: str) -> None:
    await eventually(lambda: answers(url), "the edge to answer", timeout=30)


def service_env(stack: Stack, local_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SE_NATS_URL": stack.nats_url,
        "SE_REDIS_URL": stack.redis_url,
        "SE_TOKENS_FILE": str(stack.tokens_file),
        "SE_LOCAL_DIR": str(local_dir),
        "SE_METRICS_LISTEN": "off",
        "SE_NOTIFY_UNSUBSCRIBE_SECRET": "edge-tests-secret",
    }


@pytest.fixture(scope="module")
def platform(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    with platform_on(stack, tmp_path_factory.mktemp("edge-logs")) as running:
        yield running


@contextlib.contextmanager
def platform_on(stack: Stack, logs: Path, origins: str = PAGE_ORIGIN) -> Iterator[Platform]:
    """The three services and the edge over ``stack``, emptied first, with their logs in
    ``logs``; pages of ``origins`` may call the edge."""
    asyncio.run(reset(stack))
    env = service_env(stack, logs)
    services = [ServiceProcess(s.name, s.module, free_port()) for s in SERVICES]
    children = [start_service(service, env, logs) for service in services]
    try:
        for service in services:
            assert asyncio.run(wait_until_serving(service.address, 60)), service.name
        with edge_process(services, logs, origins) as url:
            asyncio.run(ready(url))
            yield Platform(url, {service.name: service.address for service in services})
    finally:
        stop_processes(children)
