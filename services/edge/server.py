"""Serving the edge with Granian: HTTP/1.1 and HTTP/2 (cleartext, with prior knowledge or
upgrade) on one port, its protocol work done in Rust, the application in one worker
process that Granian starts, watches and stops gracefully on SIGTERM or SIGINT, on uvloop
(its event loop costs less a call than asyncio's own, and grpc.aio runs on it as well)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from granian import Granian
from granian.constants import HTTPModes, Interfaces, Loops
from granian.log import LogLevels
from starlette.types import ASGIApp

from services.edge.app import edge_app
from services.edge.backends import Backends
from services.edge.settings import EdgeSettings
from services.runtime.logs import configure_logging

log = logging.getLogger(__name__)

GRACE_SECONDS = 5
"""How long requests in flight may finish when the edge stops."""

JSON_LOGS = {
    "formatters": {
        name: {"()": "services.runtime.logs.JsonFormatter", "service": "edge"}
        for name in ("generic", "access")
    }
}
"""Granian's own log lines in the services' JSON form."""


def application() -> ASGIApp:
    """The edge as the worker process serves it, configured from the environment."""
    settings = EdgeSettings.from_env()
    configure_logging("edge", settings.log_level)
    backends = Backends(settings.backends)

    @contextlib.asynccontextmanager
    async def lifespan(_: object) -> AsyncIterator[None]:
        log.info("serving", extra={"listen": settings.listen, "backends": backends.addresses})
        yield
        await backends.close()

    return edge_app(settings, backends, lifespan=lifespan)


def serve(settings: EdgeSettings) -> None:
    """Serve until SIGINT or SIGTERM."""
    Granian(
        "services.edge.server:application",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        http=HTTPModes.auto,
        websockets=False,
        workers=1,
        loop=Loops.uvloop,
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig=JSON_LOGS,
        workers_kill_timeout=GRACE_SECONDS,
    ).serve()
