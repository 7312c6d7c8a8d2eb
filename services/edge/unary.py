"""The call platforms make nearly always, answered in one pass: a Connect unary ``POST`` of
JSON or binary protobuf, uncompressed, of a unary method.

connectrpc serves every form of the protocol (GET, streams, gRPC, gRPC-Web, compressed
requests) through one general path: a request context, interceptor runs, a task that
watches for the client going away, and the message decoded into protobuf-py and encoded
again for grpc. That path cost about 0.35 ms a call in the edge, a third of all its own
time on a ``GetProfile``. Here the same call is answered without it:

- the request's bytes go to the service as they came (binary, once protobuf-py has checked
  them, so malformed bytes are INVALID_ARGUMENT as before) or as protobuf-py encodes the
  JSON; the reply goes back as its bytes, or as JSON;
- the same headers travel as metadata, ``Connect-Timeout-Ms`` is the gRPC deadline;
- the reply is compressed as the client accepts, with the edge's compressions;
- an error is written by connectrpc's own error writer, so its JSON, its HTTP status and
  its details are those connectrpc sends.

Anything else (another content type, ``Content-Encoding`` on the request, another
``Connect-Protocol-Version``, a malformed timeout, ``GET``) is left to connectrpc, which
answers or refuses it as the protocol says. The one difference: a client that goes away
while its unary call runs no longer cancels the call; the service finishes it, as gRPC's
own clients leave a unary call that is already on its way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import grpc
from connectrpc._protocol import ConnectWireError  # the error writer connectrpc uses
from connectrpc.code import Code
from connectrpc.codec import Codec, proto_binary_codec, proto_json_codec
from connectrpc.compression import Compression
from connectrpc.errors import ConnectError
from protobuf import Message
from starlette.types import Receive, Scope, Send

from services.edge.errors import connect_error

FORWARDED = (b"authorization", b"x-request-id", b"traceparent", b"tracestate")
"""Request headers passed on as gRPC metadata, in this order."""

CODECS: Mapping[bytes, Codec] = {
    b"application/json": proto_json_codec(),
    b"application/proto": proto_binary_codec(),
}
"""The unary content types answered here, as connectrpc's default codecs read them."""

IDENTITY = "identity"
VARY = (b"vary", b"Accept-Encoding")


@dataclass(frozen=True, slots=True)
class UnaryMethod:
    """One unary method: its messages and the call that carries bytes to the service."""

    input: type[Message]
    output: type[Message]
    call: grpc.aio.UnaryUnaryMultiCallable


@dataclass(frozen=True, slots=True)
class Plain:
    """What a request answered here asked for."""

    codec: Codec
    accept_encoding: str
    timeout: float | None
    metadata: tuple[tuple[str, str], ...]


def plain(headers: Iterable[tuple[bytes, bytes]]) -> Plain | None:
    """The request, when it is a plain Connect unary request; None for connectrpc to serve."""
    try:
        return _plain(headers)
    except UnicodeDecodeError:
        return None  # connectrpc answers headers that are not UTF-8


def _plain(headers: Iterable[tuple[bytes, bytes]]) -> Plain | None:
    first: dict[bytes, bytes] = {}
    for name, value in headers:
        first.setdefault(name.lower(), value)  # the first value counts, as in connectrpc
    codec = CODECS.get(first.get(b"content-type", b"").partition(b";")[0].strip().lower())
    if (
        codec is None
        or first.get(b"content-encoding", b"") not in (b"", b"identity")  # decompressed there
        or first.get(b"connect-protocol-version", b"1") != b"1"  # refused there
    ):
        return None
    timeout = first.get(b"connect-timeout-ms", b"")
    if timeout and (len(timeout) > 10 or not (timeout.isascii() and timeout.isdigit())):
        return None  # refused there; an empty one is no deadline, as there
    return Plain(
        codec,
        first.get(b"accept-encoding", b"").decode(),
        int(timeout) / 1000 if timeout else None,
        tuple((name.decode(), first[name].decode()) for name in FORWARDED if first.get(name)),
    )


class UnaryForwarder:
    """Answers plain unary requests for the methods of ``methods`` (by Connect path)."""

    def __init__(
        self,
        methods: Mapping[str, UnaryMethod],
        compressions: Iterable[Compression],
        read_max_bytes: int,
    ) -> None:
        self.methods = dict(methods)
        self.compressions = {c.name(): c for c in compressions}
        self.read_max_bytes = read_max_bytes

    async def serve(
        self, method: UnaryMethod, request: Plain, receive: Receive, send: Send
    ) -> None:
        try:
            body = await self._body(receive)
            if body is None:
                return  # the client went away before its request ended
            reply = await self._answer(method, request, body)
        except ConnectError as error:
            await _send_error(send, error)
            return
        except Exception as error:
            await _send_error(send, ConnectError(Code.UNKNOWN, str(error)))
            raise
        compression = self._compression(request.accept_encoding)
        if compression is not None:
            reply = compression.compress(reply)
        encoding = IDENTITY if compression is None else compression.name()
        content_type = f"application/{request.codec.name()}"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-encoding", encoding.encode()),
                    VARY,
                ],
                "trailers": False,
            }
        )
        await send({"type": "http.response.body", "body": reply, "more_body": False})

    async def _body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.read_max_bytes:
                raise ConnectError(
                    Code.RESOURCE_EXHAUSTED,
                    f"message is larger than configured max {self.read_max_bytes}",
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _answer(self, method: UnaryMethod, request: Plain, body: bytes) -> bytes:
        codec = request.codec
        try:
            message = codec.decode(body, method.input)
        except Exception as error:
            raise ConnectError(Code.INVALID_ARGUMENT, f"unmarshal message: {error}") from error
        binary = codec.name() == "proto"
        forwarded = body if binary else message.to_binary()
        try:
            reply: bytes = await method.call(
                forwarded, metadata=request.metadata, timeout=request.timeout
            )
        except grpc.aio.AioRpcError as error:
            raise connect_error(error) from None
        if binary:
            return reply
        return codec.encode(method.output.from_binary(reply))

    def _compression(self, accept_encoding: str) -> Compression | None:
        """The first of the client's encodings the edge has, as connectrpc negotiates."""
        for accepted in accept_encoding.split(","):
            name = accepted.strip()
            if name == IDENTITY:
                return None
            if (compression := self.compressions.get(name)) is not None:
                return compression
        return None


async def _send_error(send: Send, error: ConnectError) -> None:
    wire = ConnectWireError.from_exception(error)
    await send(
        {
            "type": "http.response.start",
            "status": wire.to_http_status().code,
            "headers": [(b"content-type", b"application/json")],
            "trailers": False,
        }
    )
    await send({"type": "http.response.body", "body": wire.to_json_bytes(), "more_body": False})


async def forward_plain(
    forwarder: UnaryForwarder, scope: Scope, receive: Receive, send: Send
) -> bool:
    """Answer the request when it is plain unary; False when connectrpc should."""
    if scope["method"] != "POST":
        return False
    method = forwarder.methods.get(scope["path"])
    if method is None:
        return False
    request = plain(scope["headers"])
    if request is None:
        return False
    await forwarder.serve(method, request, receive, send)
    return True
