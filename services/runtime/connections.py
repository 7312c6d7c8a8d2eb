"""Connections to NATS and Redis, opened once per process, closed in order on exit."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from services.runtime.config import RuntimeSettings
from services.runtime.localstack import LocalStack
from services.runtime.patience import until_jetstream_answers
from services.runtime.streams import provision_streams

log = logging.getLogger(__name__)

DRAIN_TIMEOUT_SECONDS = 5.0
"""Longest wait for in-flight messages on shutdown; keep below the orchestrator's grace."""


REDIS_CONNECTIONS = 128
"""Connections one process may open to Redis; a busy moment waits for a free one."""
REDIS_WAIT_SECONDS = 10.0
"""How long a command waits for a free connection before it fails."""
REDIS_CONNECT_SECONDS = 2.0
"""How long opening a connection may take: a Redis that is down is reported fast."""
REDIS_HEALTH_CHECK_SECONDS = 1.0
"""A pooled connection idle this long is pinged before use, and replaced if Redis restarted
meanwhile, so recovery after an outage does not fail one call per dead connection."""
REDIS_RETRIES = 1
"""A command, or that ping, failing on a broken connection is tried once more on a new one;
if Redis is really down the second attempt fails too, and the call is UNAVAILABLE."""


@dataclass(frozen=True, slots=True)
class Connections:
    redis: Redis
    nats: NatsClient
    js: JetStreamContext
    redis_url: str = ""
    """Where ``redis`` connects, for work done in another process."""


async def connect_nats(url: str, name: str) -> NatsClient:
    client = NatsClient()

    async def disconnected() -> None:
        if client.is_closed or client.is_draining:
            log.info("NATS connection closed")  # our own shutdown, not a fault
        else:
            log.warning("NATS disconnected; reconnecting")

    async def reconnected() -> None:
        log.info("NATS reconnected")

    options: dict[str, Any] = {  # nats-py types the two waits as int; seconds may be fractions
        "reconnect_time_wait": 0.5,
        "drain_timeout": DRAIN_TIMEOUT_SECONDS,
    }
    await client.connect(
        servers=url.split(","),
        name=name,
        max_reconnect_attempts=-1,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        **options,
    )
    return client


@contextlib.asynccontextmanager
async def connected(settings: RuntimeSettings) -> AsyncIterator[Connections]:
    """Connect (starting the local stack when no URLs are set) and provision the streams."""
    async with contextlib.AsyncExitStack() as stack:
        nats_url, redis_url = settings.nats_url, settings.redis_url
        if settings.uses_local_stack:
            local = LocalStack(settings.local_dir)
            local.start()
            stack.callback(local.stop)
            nats_url, redis_url = nats_url or local.nats_url, redis_url or local.redis_url
            log.info("local stack", extra={"started": local.started_here})
        assert nats_url and redis_url
        redis = Redis.from_pool(  # owns the pool: closing the client closes it
            BlockingConnectionPool.from_url(
                redis_url,
                max_connections=REDIS_CONNECTIONS,
                timeout=REDIS_WAIT_SECONDS,
                socket_connect_timeout=REDIS_CONNECT_SECONDS,
                health_check_interval=REDIS_HEALTH_CHECK_SECONDS,
                retry=Retry(NoBackoff(), REDIS_RETRIES),
            )
        )
        stack.push_async_callback(redis.aclose)
        await redis.ping()
        client = await connect_nats(nats_url, f"{settings.service}-{settings.instance}")
        stack.push_async_callback(client.drain)
        js = client.jetstream()
        await until_jetstream_answers(
            lambda: provision_streams(
                js, settings.stream_replicas, settings.personal_data_retention_seconds
            ),
            "provisioning streams",
        )
        yield Connections(redis=redis, nats=client, js=js, redis_url=redis_url)
