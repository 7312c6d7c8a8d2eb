"""Connect endpoints that forward every method of a service, as its descriptor lists them, to
the service's gRPC port: the caller's bearer token, request id and trace go along as
metadata, the Connect deadline becomes the gRPC deadline, and a gRPC error comes back as
the Connect error of the same code."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any

import grpc
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from connectrpc.request import RequestContext
from connectrpc.server import ConnectASGIApplication, Endpoint
from protobuf import DescMethod, DescService, Message

from services.edge.compression import COMPRESSIONS
from services.edge.errors import connect_error
from services.edge.unary import FORWARDED, UnaryForwarder, UnaryMethod, forward_plain
from services.runtime.server import MAX_MESSAGE_BYTES

if TYPE_CHECKING:
    from connectrpc._server_shared import EndpointServerStream, EndpointUnary

    Forwarder = EndpointUnary[Message, Message] | EndpointServerStream[Message, Message]

FORWARDED_HEADERS = tuple(name.decode() for name in FORWARDED)
"""Request headers passed on as gRPC metadata."""

IDEMPOTENCY = {
    0: IdempotencyLevel.UNKNOWN,
    1: IdempotencyLevel.NO_SIDE_EFFECTS,
    2: IdempotencyLevel.IDEMPOTENT,
}


def metadata(ctx: RequestContext[Any, Any]) -> tuple[tuple[str, str], ...]:
    headers = ctx.request_headers
    return tuple((name, value) for name in FORWARDED_HEADERS if (value := headers.get(name)))


def timeout(ctx: RequestContext[Any, Any]) -> float | None:
    milliseconds = ctx.timeout_ms
    return None if milliseconds is None else milliseconds / 1000


def method_info(method: DescMethod) -> MethodInfo[Message, Message]:
    streams = method.method_kind == "server_streaming"
    return MethodInfo(
        name=method.name,
        service_name=method.parent.type_name,
        input=method.input.type,
        output=method.output.type,
        idempotency_level=IDEMPOTENCY.get(method.idempotency, IdempotencyLevel.UNKNOWN),
        stream_type=StreamType.SERVER_STREAM if streams else StreamType.UNARY,
    )


def _serialize(message: Message) -> bytes:
    return message.to_binary()


def forward_unary(channel: grpc.aio.Channel, method: DescMethod) -> Forwarder:
    call = channel.unary_unary(
        f"/{method.parent.type_name}/{method.name}",
        request_serializer=_serialize,
        response_deserializer=method.output.type.from_binary,
    )

    async def forward(request: Message, ctx: RequestContext[Message, Message]) -> Message:
        try:
            reply: Message = await call(request, metadata=metadata(ctx), timeout=timeout(ctx))
        except grpc.aio.AioRpcError as error:
            raise connect_error(error) from None
        return reply

    return Endpoint.unary(method_info(method), forward)


def forward_server_stream(channel: grpc.aio.Channel, method: DescMethod) -> Forwarder:
    call = channel.unary_stream(
        f"/{method.parent.type_name}/{method.name}",
        request_serializer=_serialize,
        response_deserializer=method.output.type.from_binary,
    )

    async def forward(
        request: Message, ctx: RequestContext[Message, Message]
    ) -> AsyncIterator[Message]:
        stream = call(request, metadata=metadata(ctx), timeout=timeout(ctx))
        try:
            async for reply in stream:
                yield reply
        except grpc.aio.AioRpcError as error:
            raise connect_error(error) from None
        finally:
            stream.cancel()  # the caller went away (a no-op once the stream ended)

    return Endpoint.server_stream(method_info(method), forward)


FORWARDERS: Mapping[str, Callable[[grpc.aio.Channel, DescMethod], Forwarder]] = {
    "unary": forward_unary,
    "server_streaming": forward_server_stream,
}


def endpoints(channel: grpc.aio.Channel, service: DescService) -> dict[str, Forwarder]:
    """An endpoint per method, at the Connect path ``/<package>.<Service>/<Method>``; the
    contracts have no client-streaming methods."""
    return {
        f"/{service.type_name}/{method.name}": FORWARDERS[method.method_kind](channel, method)
        for method in service.methods
    }


def unary_methods(channel: grpc.aio.Channel, service: DescService) -> dict[str, UnaryMethod]:
    """The unary methods at their Connect paths, each with a call that carries bytes."""
    return {
        path: UnaryMethod(method.input.type, method.output.type, channel.unary_unary(path))
        for method in service.methods
        if method.method_kind == "unary"
        for path in (f"/{service.type_name}/{method.name}",)
    }


class ForwardingApplication(ConnectASGIApplication[DescService]):
    """Connect (JSON or binary, unary and server streaming) for one service, over gRPC: the
    plain unary requests by services.edge.unary, everything else by connectrpc."""

    def __init__(self, service: DescService, channel: Callable[[], grpc.aio.Channel]) -> None:
        """``channel`` is called at the first request or the ASGI lifespan's start, inside
        the server's event loop (and gives the same channel each time)."""
        super().__init__(
            service=service,
            endpoints=lambda described: endpoints(channel(), described),
            read_max_bytes=MAX_MESSAGE_BYTES,  # what the services accept
            compressions=COMPRESSIONS,
        )
        self._path = f"/{service.type_name}"
        self._described = service
        self._channel = channel
        self._plain: UnaryForwarder | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            if self._plain is None:
                methods = unary_methods(self._channel(), self._described)
                self._plain = UnaryForwarder(methods, COMPRESSIONS, MAX_MESSAGE_BYTES)
            if await forward_plain(self._plain, scope, receive, send):
                return
        await super().__call__(scope, receive, send)

    @property
    def path(self) -> str:
        return self._path
