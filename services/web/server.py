"""Serving the web app with Granian (as the HTTP edge is served): one worker process that
Granian starts, watches and stops gracefully on SIGTERM or SIGINT."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.log import LogLevels
from starlette.applications import Starlette

from services.client import SocialErasmusClient
from services.runtime.auth import TokenRegistry
from services.runtime.logs import configure_logging
from services.web.app import web_app
from services.web.context import App
from services.web.settings import WebSettings

log = logging.getLogger(__name__)

GRACE_SECONDS = 5
"""How long requests in flight may finish when the app stops (live inbox streams end)."""

JSON_LOGS = {
    "formatters": {
        name: {"()": "services.runtime.logs.JsonFormatter", "service": "web"}
        for name in ("generic", "access")
    }
}


def application() -> Starlette:
    """The app as the worker process serves it, configured from the environment."""
    settings = WebSettings.from_env()
    configure_logging("web", settings.log_level)
    client = SocialErasmusClient(settings.client)
    state = App(settings, client, TokenRegistry.from_file(settings.tokens_file))

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        log.info("serving", extra={"listen": settings.listen, "public_url": settings.public_url})
        yield
        await client.close()

    return web_app(state, lifespan=lifespan)


def serve(settings: WebSettings) -> None:
    """Serve until SIGINT or SIGTERM."""
    Granian(
        "services.web.server:application",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=1,
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig=JSON_LOGS,
        workers_kill_timeout=GRACE_SECONDS,
    ).serve()
