"""Real nats-server and redis-server for the whole suite, on free ports in a temp folder.

Each test starts from empty state: Redis flushed, JetStream streams deleted (the services
provision them again on start-up).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import nats
import pytest
from nats.js.errors import NotFoundError
from redis.asyncio import Redis

from services.runtime.auth import token_digest
from services.runtime.config import RuntimeSettings
from services.runtime.localstack import LocalServer, free_port, nats_server, redis_server

# Tokens of the test principals, by name.
TOKENS = {
    "operator": {"role": "operator"},
    "platform": {"role": "platform"},
    "coordinator": {"role": "coordinator", "section_id": "esn-valencia-upv"},
    "other_coordinator": {"role": "coordinator", "section_id": "esn-tirana"},
    "student": {"role": "student", "student_id": "ana"},
    "other_student": {"role": "student", "student_id": "ben"},
}


def bearer(name: str) -> tuple[tuple[str, str], ...]:
    """gRPC metadata authenticating as one of TOKENS."""
    return (("authorization", f"Bearer token-of-{name}"),)


@dataclass
class Stack:
    nats: LocalServer
    redis: LocalServer
    data_dir: Path
    tokens_file: Path

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.nats.port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis.port}/0"

    def settings(self, service: str, instance: str = "test-1") -> RuntimeSettings:
        return RuntimeSettings(
            service=service,
            listen="127.0.0.1:0",
            nats_url=self.nats_url,
            redis_url=self.redis_url,
            tokens_file=self.tokens_file,
            local_dir=self.data_dir,
            instance=instance,
            grace_seconds=0.5,
        )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("stack")
    tokens_file = data_dir / "tokens.json"
    entries = [{"sha256": token_digest(f"token-of-{n}"), **p} for n, p in TOKENS.items()]
    tokens_file.write_text(json.dumps({"tokens": entries}))
    with servers_in(data_dir, tokens_file) as servers:
        yield servers


@contextlib.contextmanager
def servers_in(data_dir: Path, tokens_file: Path) -> Iterator[Stack]:
    """A nats-server and a redis-server on free ports, keeping their data in ``data_dir``."""
    servers = Stack(
        nats_server(data_dir, free_port()),
        redis_server(data_dir, free_port()),
        data_dir,
        tokens_file,
    )
    servers.nats.start()
    servers.redis.start()
    try:
        yield servers
    finally:
        servers.nats.stop()
        servers.redis.stop()


async def reset(stack: Stack) -> None:
    """Empty Redis and JetStream; restarts NATS if a fault test left it down."""
    if stack.nats.process is None:
        stack.nats.start()
    redis = Redis.from_url(stack.redis_url)
    await redis.flushall()
    await redis.aclose()
    client = await nats.connect(stack.nats_url)
    js = client.jetstream()
    for info in await js.streams_info():  # the declared streams and object stores alike
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(str(info.config.name))
    await client.close()


@pytest.fixture
async def clean_stack(stack: Stack) -> AsyncIterator[Stack]:
    await reset(stack)
    yield stack


@pytest.fixture
async def redis_client(clean_stack: Stack) -> AsyncIterator[Redis]:
    client = Redis.from_url(clean_stack.redis_url)
    yield client
    await client.aclose()


@contextlib.asynccontextmanager
async def channel_to(address: str) -> AsyncIterator[grpc.aio.Channel]:
    channel = grpc.aio.insecure_channel(address)
    try:
        yield channel
    finally:
        await channel.close()
