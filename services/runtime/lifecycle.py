"""Start-up and shutdown of one service process: settings, logs, metrics, connections,
signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

from services.runtime import metrics
from services.runtime.auth import TokenRegistry
from services.runtime.config import RuntimeSettings, SettingsError
from services.runtime.connections import Connections, connected
from services.runtime.devtokens import ensure_dev_tokens
from services.runtime.logs import configure_logging
from services.runtime.server import ServiceParts, serve

log = logging.getLogger(__name__)

PartsFactory = Callable[[Connections, RuntimeSettings], Awaitable[ServiceParts]]
"""Builds a service's parts; may wait for what must be ready before serving."""


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


@contextlib.asynccontextmanager
async def metrics_exposed(settings: RuntimeSettings) -> AsyncIterator[None]:
    """Serve the process's metrics as the settings say, from before connecting (so a
    service stuck connecting can be seen) until it has stopped."""
    metrics.SERVICE_INFO.labels(settings.service, settings.instance).set(1)
    async with contextlib.AsyncExitStack() as stack:
        if settings.metrics_listen is not None:
            try:
                await stack.enter_async_context(metrics.serving(settings.metrics_listen))
            except OSError as error:
                if not settings.metrics_best_effort:
                    raise SettingsError(
                        f"cannot serve metrics on {settings.metrics_listen}: {error}"
                    ) from error
                log.warning("metrics not served: %s", error)
        yield


async def serve_until_stopped(settings: RuntimeSettings, build: PartsFactory) -> None:
    stop = stop_on_signals()
    if settings.uses_local_stack:
        ensure_dev_tokens(settings.local_dir, settings.tokens_file)
    tokens = TokenRegistry.from_file(settings.tokens_file)
    log.info("starting", extra={"settings": settings.describe()})
    async with metrics_exposed(settings), connected(settings) as connections:
        parts = await build(connections, settings)
        async with serve(settings.listen, tokens, parts, settings.grace_seconds):
            await stop.wait()
            log.info("stopping")


def run_service(service: str, default_port: int, build: PartsFactory) -> None:
    try:
        settings = RuntimeSettings.from_env(service, default_port)
    except SettingsError as error:
        print(f"{service}: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    configure_logging(service, settings.log_level)
    try:
        asyncio.run(serve_until_stopped(settings, build))
    except (FileNotFoundError, SettingsError) as error:
        print(f"{service}: {error}", file=sys.stderr)
        raise SystemExit(2) from error
