"""The server interceptor: access log with request and trace ids and the RPC metrics,
authentication, error mapping.

It wraps each method's behaviour; health and reflection need no token so that probes and
``grpcurl list`` work without one (and are neither logged nor measured).
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
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


def _wrap_handler(handler: grpc.RpcMethodHandler, rpc: _Rpc) -> Any:
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            _unary(handler.unary_unary, rpc),
            handler.request_deserializer,
            handler.response_serializer,
        )
    if handler.unary_stream:
        behaviour = handler.unary_stream
        # A streaming method either yields its responses or writes them to the context
        wrap = _stream if inspect.isasyncgenfunction(behaviour) else _unary
        return grpc.unary_stream_rpc_method_handler(
            wrap(behaviour, rpc),
            handler.request_deserializer,
            handler.response_serializer,
        )
    return handler  # client-streaming methods are not used by these services


class RpcInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]  # grpc is untyped
    """Every RPC but health and reflection, in one wrapper (one per call, not one per concern:
    they are the fixed cost of every call):

    - the request id (``x-request-id`` or new) and the trace (``traceparent`` continued with
      a span of this server, or a new trace) for every log line of the RPC;
    - the bearer token resolved to a principal, UNAUTHENTICATED when missing or unknown;
      ``public_methods`` need no token (e.g. unsubscribing through a signed link): they run
      as an anonymous principal and must authorise by other means;
    - domain errors turned into their gRPC status; Redis or NATS out of reach, UNAVAILABLE
      with a retry hint; anything else logged and INTERNAL;
    - one access log line with method, status code and duration, and the RPC histogram.
    """

    def __init__(self, tokens: TokenRegistry, public_methods: frozenset[str] = frozenset()) -> None:
        self.tokens = tokens
        self.public_methods = public_methods

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or method.startswith(OPEN_METHOD_PREFIXES):
            return handler
        rpc = _Rpc(handler_call_details, self.tokens, method in self.public_methods)
        wrapped: grpc.RpcMethodHandler = _wrap_handler(handler, rpc)
        return wrapped


class _Rpc:
    """One call as it arrived: what the wrapper needs of its method and metadata."""

    __slots__ = ("authorization", "given_id", "method", "public", "tokens", "traceparent")

    def __init__(self, details: grpc.HandlerCallDetails, tokens: TokenRegistry, public: bool):
        self.method: str = details.method
        self.given_id = metadata_value(details, "x-request-id")
        self.traceparent = metadata_value(details, tracing.HEADER)
        self.authorization = None if public else metadata_value(details, "authorization")
        self.public = public
        self.tokens = tokens

    def begin(self) -> float:
        request_id.set(self.given_id or str(ULID()))
        tracing.current.set(tracing.continue_from(self.traceparent))
        return time.perf_counter()

    async def admit(self, context: grpc.aio.ServicerContext) -> None:
        if self.public:
            current_principal.set(ANONYMOUS)
            return
        try:
            current_principal.set(self.tokens.authenticate(self.authorization))
        except errors.Unauthenticated as error:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(error))

    async def fail(self, context: grpc.aio.ServicerContext, error: BaseException) -> str:
        """Aborts with the status ``error`` maps to, if it maps to one; otherwise returns
        what the access log calls it, for the caller to re-raise."""
        if isinstance(error, asyncio.CancelledError):
            return "CANCELLED"  # the client went away or the server is stopping
        if isinstance(error, grpc.aio.AbortError) or not isinstance(error, Exception):
            return "UNKNOWN"  # what gRPC answers for an exception it did not expect
        if isinstance(error, errors.DomainError):
            status = to_grpc_status(error)
            await context.abort(status.code, status.details, status.trailing_metadata)
        if isinstance(error, DEPENDENCY_FAILURES):
            dependency = dependency_of(error)
            log.warning(
                "dependency unavailable",
                extra={"method": self.method, "dependency": dependency, "error": repr(error)},
            )
            metrics.DEPENDENCY_FAILURES.labels(dependency).inc()
            unavailable = errors.Unavailable(
                f"{dependency} is unreachable; retry shortly", RETRY_AFTER_SECONDS
            )
            status = to_grpc_status(unavailable)
            await context.abort(status.code, status.details, status.trailing_metadata)
        log.error("unexpected error", exc_info=error, extra={"method": self.method})
        await context.abort(grpc.StatusCode.INTERNAL, "internal error")
        return "UNKNOWN"  # abort raises: never reached

    def end(self, context: grpc.aio.ServicerContext, started: float, outcome: str) -> None:
        seconds = time.perf_counter() - started
        code = context.code()
        name = code.name if code is not None else outcome
        metrics.observe_rpc(self.method, name, seconds)
        log.info(
            "rpc",
            extra={"method": self.method, "code": name, "duration_ms": round(seconds * 1000, 3)},
        )


def _unary(behaviour: Behaviour, rpc: _Rpc) -> Behaviour:
    async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
        started = rpc.begin()
        outcome = "OK"
        try:
            await rpc.admit(context)
            return await behaviour(request, context)
        except BaseException as error:
            outcome = await rpc.fail(context, error)
            raise
        finally:
            rpc.end(context, started, outcome)

    return unary


def _stream(behaviour: Behaviour, rpc: _Rpc) -> Behaviour:
    async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        started = rpc.begin()
        outcome = "OK"
        try:
            await rpc.admit(context)
            async for item in behaviour(request, context):
                yield item
        except BaseException as error:
            outcome = await rpc.fail(context, error)
            raise
        finally:
            rpc.end(context, started, outcome)

    return stream
