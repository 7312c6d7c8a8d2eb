"""The web app as one Starlette application: routes, static files, errors, health."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Final

import grpc
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.client import ClientError
from services.web import account, calendars, coordinator, inbox, student
from services.web.context import App, SignInNeeded, refusal, sign_in_redirect, viewer

log = logging.getLogger(__name__)

REFUSALS: Final = frozenset(
    {
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.ALREADY_EXISTS,
        grpc.StatusCode.INVALID_ARGUMENT,
    }
)
"""Calls the services refused for a reason a person can act on: the page says why."""

STATIC = Path(__file__).parent / "static"

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


async def healthz(_: Request) -> Response:
    """Liveness: the process serves."""
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    """Readiness: each of the three services answers SERVING."""
    app: App = request.app.state.web
    health = await app.client.health()
    ready = all(h.serving for h in health)
    body = {h.service.value: h.status for h in health}
    return JSONResponse(body, status_code=200 if ready else 503)


async def _page_error(request: Request, status: int, key: str) -> Response:
    try:
        reader = await viewer(request)
    except Exception:  # the services are away: a page without the reader's language
        return PlainTextResponse("The service is unavailable; please try again soon.", 503)
    return reader.render("error.html.j2", status=status, message=reader.t(key))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return await _page_error(request, 404, "error.not_found")
    if error.status_code == 403:
        key = "error.csrf" if error.detail == "form token" else "error.forbidden"
        return await _page_error(request, 403, key)
    return PlainTextResponse(str(error.detail), status_code=error.status_code)


async def _client_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ClientError)
    if error.code == grpc.StatusCode.PERMISSION_DENIED:
        return await _page_error(request, 403, "error.forbidden")
    if error.code == grpc.StatusCode.NOT_FOUND:
        return await _page_error(request, 404, "error.not_found")
    if error.code in REFUSALS:
        reader = await viewer(request)
        message = reader.t("flash.refused", reason=refusal(error, reader.t))
        return reader.render("error.html.j2", status=409, message=message)
    log.warning("call failed", extra={"error": str(error)})
    return await _page_error(request, 503, "error.unavailable")


async def _sign_in(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInNeeded)
    return sign_in_redirect(request, error.path)


SECURITY_HEADERS: Final = (
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        b" frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
"""Every response: only this site's scripts, styles and forms; never framed by another."""


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (a plain ASGI wrapper, so the live
    inbox's stream passes through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, sending)


def web_app(state: App, lifespan: Lifespan | None = None) -> Starlette:
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *account.ROUTES,
        *student.ROUTES,
        *calendars.ROUTES,
        *inbox.ROUTES,
        *coordinator.ROUTES,
    ]
    application = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: _http_error,
            ClientError: _client_error,
            SignInNeeded: _sign_in,
        },
        lifespan=lifespan,
    )
    application.add_middleware(SecurityHeaders)
    application.state.web = state
    return application
