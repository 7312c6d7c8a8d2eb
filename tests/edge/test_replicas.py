"""Calls spread over every replica of a service: two catalogue processes behind one gRPC
target with both addresses (as a headless Service's name resolves to every ready pod), and
the edge and the Python client (the web app's) each sending calls to both. Which replica
answered a call is read from its own access log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.client import ClientConfig, SocialErasmusClient
from services.launcher import start_edge
from services.runtime.localstack import free_port
from services.runtime.processes import (
    ServiceProcess,
    start_service,
    stop_processes,
    wait_until_serving,
)
from tests.conftest import Stack
from tests.edge.conftest import ready, service_env, token

CALLS = 24
LIST_ACTIVITIES = "/socialerasmus.catalogue.v1.CatalogueService/ListActivities"


@dataclass(frozen=True)
class Replicas:
    target: str
    """A gRPC target with the address of each: ``ipv4:127.0.0.1:<port>,127.0.0.1:<port>``."""
    logs: list[Path]
    """The folder each logs to."""

    def answered(self, method: str) -> list[int]:
        """How many calls of ``method`` each has answered so far."""
        return [calls_answered(folder, method) for folder in self.logs]


@pytest.fixture(scope="module")
def replicas(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    """Two catalogue replicas over the suite's NATS and Redis."""
    folders = [tmp_path_factory.mktemp(f"catalogue-{n}") for n in range(2)]
    replicas = [ServiceProcess("catalogue", "services.catalogue", free_port()) for _ in folders]
    children = [
        start_service(replica, service_env(stack, folder), folder)
        for replica, folder in zip(replicas, folders, strict=True)
    ]
    try:
        for replica in replicas:
            assert asyncio.run(wait_until_serving(replica.address, 60)), replica.address
        yield Replicas("ipv4:" + ",".join(r.address for r in replicas), folders)
    finally:
        stop_processes(children)


def calls_answered(folder: Path, method: str) -> int:
    """How many calls of ``method`` the replica logging in ``folder`` has answered."""
    lines = (folder / "catalogue.log").read_text().splitlines()
    return sum(
        1 for line in lines if line.startswith("{") and json.loads(line).get("method") == method
    )


def assert_spread(before: list[int], after: list[int]) -> None:
    answered = [now - then for now, then in zip(after, before, strict=True)]
    assert sum(answered) == CALLS
    assert min(answered) >= CALLS // 4, answered  # in turn: about half each


def test_the_edge_sends_calls_to_every_replica(
    replicas: Replicas, stack: Stack, tmp_path: Path
) -> None:
    before = replicas.answered(LIST_ACTIVITIES)
    port = free_port()
    env = {
        **service_env(stack, tmp_path),
        "SE_HTTP_LISTEN": f"127.0.0.1:{port}",
        "SE_CATALOGUE_ADDRESS": replicas.target,
    }
    edge = start_edge([], env, tmp_path)
    try:
        url = f"http://127.0.0.1:{port}"
        asyncio.run(ready(url))
        for _ in range(CALLS):
            reply = httpx.post(f"{url}{LIST_ACTIVITIES}", json={}, headers=token("platform"))
            assert reply.status_code == 200, reply.text
    finally:
        stop_processes([edge])
    assert_spread(before, replicas.answered(LIST_ACTIVITIES))


async def test_the_python_client_sends_calls_to_every_replica(replicas: Replicas) -> None:
    before = replicas.answered(LIST_ACTIVITIES)
    config = ClientConfig(catalogue_address=replicas.target, token="token-of-platform")
    async with SocialErasmusClient(config) as client:
        for _ in range(CALLS):
            await client.list_activities(page_size=1)
    assert_spread(before, replicas.answered(LIST_ACTIVITIES))
