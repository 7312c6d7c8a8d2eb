"""Start-up and shutdown of one service process: settings, logs, connections, signals."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

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


async def serve_until_stopped(settings: RuntimeSettings, build: PartsFactory) -> None:
    stop = stop_on_signals()
    if settings.uses_local_stack:
        ensure_dev_tokens(settings.local_dir, settings.tokens_file)
    tokens = TokenRegistry.from_file(settings.tokens_file)
    log.info("starting", extra={"settings": settings.describe()})
    async with connected(settings) as connections:
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
    except FileNotFoundError as error:
        print(f"{service}: {error}", file=sys.stderr)
        raise SystemExit(2) from error
