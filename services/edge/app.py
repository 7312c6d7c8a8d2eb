"""The edge as one ASGI application: a Connect application per service, CORS in front of
everything, the OpenAPI document with its reference page, and health."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import swagger_ui
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Lifespan, Receive, Scope, Send

from services.edge.backends import Backends
from services.edge.contracts import backend_of, public_services
from services.edge.forwarding import ForwardingApplication
from services.edge.health import backend_statuses
from services.edge.openapi import OPENAPI_PATH
from services.edge.settings import EdgeSettings

SWAGGER_UI = Path(swagger_ui.__file__).parent / "static"
"""Swagger UI as the swagger-ui-py wheel ships it: no CDN needed."""

REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "Connect-Protocol-Version",
    "Connect-Timeout-Ms",
    "Connect-Accept-Encoding",
    "Connect-Content-Encoding",
    "X-Request-Id",
    "X-User-Agent",
    "traceparent",
    "tracestate",
    "X-Grpc-Web",
    "Grpc-Timeout",
)
"""What a page may send: the headers of Connect (and of gRPC-Web, which the edge answers
too), the bearer token and tracing."""

EXPOSED_HEADERS = (
    "Content-Encoding",
    "Connect-Content-Encoding",
    "Grpc-Status",
    "Grpc-Message",
    "Grpc-Status-Details-Bin",
)
"""Response headers a page may read, as connect-web and gRPC-Web clients expect."""

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>SocialErasmus Match API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    SwaggerUIBundle({url: "/openapi.json", dom_id: "#reference", deepLinking: true,
                     persistAuthorization: true, displayRequestDuration: true});
  </script>
</body>
</html>
"""


class ServiceRouter:
    """Sends ``/<package>.<Service>/<Method>`` to that service's Connect application and
    everything else to ``other``, without a route table to walk per call."""

    def __init__(self, services: Mapping[str, ASGIApp], other: ASGIApp) -> None:
        self.services = dict(services)
        self.other = other

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            service = self.services.get(scope["path"].split("/", 2)[1])
            if service is not None:
                await service(scope, receive, send)
                return
        await self.other(scope, receive, send)


def site(
    backends: Backends, openapi: bytes, lifespan: Lifespan[Starlette] | None = None
) -> Starlette:
    """The pages beside the API: the document, its reference page, health."""

    async def document(_: Request) -> Response:
        return Response(openapi, media_type="application/json")

    async def docs(_: Request) -> Response:
        return HTMLResponse(DOCS_PAGE)

    async def alive(_: Request) -> Response:
        return JSONResponse({"status": "SERVING"})

    async def services_behind(_: Request) -> Response:
        statuses = await backend_statuses(backends.channels())
        serving = all(status == "SERVING" for status in statuses.values())
        return JSONResponse(
            {"status": "SERVING" if serving else "NOT_SERVING", "backends": statuses},
            status_code=200 if serving else 503,
        )

    async def home(_: Request) -> Response:
        return RedirectResponse("/docs")

    return Starlette(
        routes=[
            Route("/", home),
            Route("/openapi.json", document),
            Route("/docs", docs),
            Mount("/docs", StaticFiles(directory=SWAGGER_UI)),
            Route("/healthz", alive),
            Route("/healthz/backends", services_behind),
        ],
        lifespan=lifespan,
    )


def edge_app(
    settings: EdgeSettings,
    backends: Backends,
    openapi: bytes | None = None,
    *,
    lifespan: Lifespan[Starlette] | None = None,
) -> ASGIApp:
    """The whole edge, forwarding to ``backends``."""
    services = {
        service.type_name: ForwardingApplication(
            service, functools.partial(backends.channel, backend_of(service))
        )
        for service in public_services()
    }
    document = OPENAPI_PATH.read_bytes() if openapi is None else openapi
    routed = ServiceRouter(services, site(backends, document, lifespan))
    return CORSMiddleware(
        routed,
        allow_origins=settings.allowed_origins,
        allow_methods=("GET", "POST"),
        allow_headers=REQUEST_HEADERS,
        allow_credentials=settings.allow_credentials,
        expose_headers=EXPOSED_HEADERS,
        max_age=7200,
    )
