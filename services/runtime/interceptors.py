"""Server interceptors: access log with request and trace ids and the RPC metrics,
authentication, error mapping.

Each wraps the method's behaviour; health and reflection need no token so that probes and
``grpcurl list`` work without one (and are neither logged nor measured).
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import grpc
from ulid import ULID

from services.runtime import errors, metrics, tracing
from services.runtime.auth import ANONYMOUS, Principal, TokenRegistry
from services.runtime.dependencies import DEPENDENCY_FAILURES, RETRY_AFTER_SECONDS, dependency_of
from services.runtime.logs import request_id
from services.runtime.status import to_grpc_status

log = logging.getLogger("access")

OPEN_METHOD_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")

current_principal: contextvars.ContextVar[Principal] = contextvars.ContextVar("principal")

Behaviour = Callable[[Any, grpc.aio.ServicerContext], Any]


def principal() -> Principal:
    """The authenticated caller of the current RPC."""
    return current_principal.get()


def metadata_value(details: grpc.HandlerCallDetails, key: str) -> str | None:
    for name, value in details.invocation_metadata or ():
        if name == key:
            return value if isinstance(value, str) else value.decode()
    return None


def _wrap_handler(handler: grpc.RpcMethodHandler, wrap: Callable[[Behaviour], Behaviour]) -> Any:
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            wrap(handler.unary_unary), handler.request_deserializer, handler.response_serializer
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            wrap(handler.unary_stream), handler.request_deserializer, handler.response_serializer
        )
    return handler  # client-streaming methods are not used by these services


Guard = Callable[[grpc.aio.ServicerContext], AbstractAsyncContextManager[None]]


class _Interceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]  # grpc is untyped
    """Runs every unary-unary and unary-stream method inside ``guard(details)``."""

    def guard(self, details: grpc.HandlerCallDetails) -> Guard:
        raise NotImplementedError

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(OPEN_METHOD_PREFIXES):
            return handler
        guard = self.guard(handler_call_details)
        wrapped: grpc.RpcMethodHandler = _wrap_handler(
            handler, lambda behaviour: _guarded(behaviour, guard)
        )
        return wrapped


def _guarded(behaviour: Behaviour, guard: Guard) -> Behaviour:
    if inspect.isasyncgenfunction(behaviour):

        async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            async with guard(context):
                async for item in behaviour(request, context):
                    yield item

        return stream

    async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
        async with guard(context):
            return await behaviour(request, context)

    return unary


class AccessLogInterceptor(_Interceptor):
    """Per RPC: the request id (``x-request-id`` or new) and the trace (``traceparent``
    continued with a span of this server, or a new trace) for every log line of the RPC;
    then one access log line with method, status code and duration, and the RPC histogram."""

    def guard(self, details: grpc.HandlerCallDetails) -> Guard:
        method = details.method
        given_id = metadata_value(details, "x-request-id")
        traceparent = metadata_value(details, tracing.HEADER)

        @asynccontextmanager
        async def logged(context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
            request_id.set(given_id or str(ULID()))
            tracing.current.set(tracing.continue_from(traceparent))
            started = time.perf_counter()
            outcome = "OK"
            try:
                yield
            except asyncio.CancelledError:
                outcome = "CANCELLED"  # the client went away or the server is stopping
                raise
            except BaseException:
                outcome = "UNKNOWN"  # what gRPC answers for an exception it did not expect
                raise
            finally:
                seconds = time.perf_counter() - started
                code = context.code()
                name = code.name if code is not None else outcome
                metrics.observe_rpc(method, name, seconds)
                log.info(
                    "rpc",
                    extra={"method": method, "code": name, "duration_ms": round(seconds * 1000, 3)},
                )

        return logged


class AuthInterceptor(_Interceptor):
    """Resolves the bearer token to a principal; UNAUTHENTICATED when missing or unknown.

    ``public_methods`` need no token (e.g. unsubscribing through a signed link); they run
    as an anonymous principal and must authorise by other means.
    """

    def __init__(self, tokens: TokenRegistry, public_methods: frozenset[str] = frozenset()) -> None:
        self.tokens = tokens
        self.public_methods = public_methods

    def guard(self, details: grpc.HandlerCallDetails) -> Guard:
        authorization = metadata_value(details, "authorization")
        if details.method in self.public_methods:
            return _anonymous

        @asynccontextmanager
        async def authenticated(context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
            try:
                current_principal.set(self.tokens.authenticate(authorization))
            except errors.Unauthenticated as error:
                await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(error))
            yield

        return authenticated


@asynccontextmanager
async def _anonymous(_context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
    current_principal.set(ANONYMOUS)
    yield


class ErrorMappingInterceptor(_Interceptor):
    """Domain errors become their gRPC status; Redis or NATS out of reach, UNAVAILABLE with a
    retry hint; anything else is logged and INTERNAL."""

    def guard(self, details: grpc.HandlerCallDetails) -> Guard:
        method = details.method

        @asynccontextmanager
        async def mapped(context: grpc.aio.ServicerContext) -> AsyncIterator[None]:
            try:
                yield
            except grpc.aio.AbortError:
                raise
            except errors.DomainError as error:
                status = to_grpc_status(error)
                await context.abort(status.code, status.details, status.trailing_metadata)
            except DEPENDENCY_FAILURES as failure:
                dependency = dependency_of(failure)
                log.warning(
                    "dependency unavailable",
                    extra={"method": method, "dependency": dependency, "error": repr(failure)},
                )
                metrics.DEPENDENCY_FAILURES.labels(dependency).inc()
                unavailable = errors.Unavailable(
                    f"{dependency} is unreachable; retry shortly", RETRY_AFTER_SECONDS
                )
                status = to_grpc_status(unavailable)
                await context.abort(status.code, status.details, status.trailing_metadata)
            except Exception:
                log.exception("unexpected error", extra={"method": method})
                await context.abort(grpc.StatusCode.INTERNAL, "internal error")

        return mapped
