"""A gRPC status from a service as a Connect error: the same code, its message, and each
``google.rpc`` detail (BadRequest's field violations, PreconditionFailure, RetryInfo) both
as Connect sends details (type and base64 value) and decoded, as JSON (``debug``)."""

from __future__ import annotations

import grpc
from connectrpc.code import Code
from connectrpc.errors import ConnectError, ErrorDetail
from protobuf import Message
from protobuf.wkt import Any

from services.edge.contracts import registry

STATUS_DETAILS_KEY = "grpc-status-details-bin"

CODES = {status: Code[status.name] for status in grpc.StatusCode if status.name in Code.__members__}
CODES[grpc.StatusCode.CANCELLED] = Code.CANCELED
CODES[grpc.StatusCode.OK] = Code.UNKNOWN  # a failed call never carries OK


def connect_error(error: grpc.aio.AioRpcError) -> ConnectError:
    """The Connect error a platform gets for ``error``."""
    code = CODES.get(error.code(), Code.UNKNOWN)
    return ConnectError(code, error.details() or "", _details(error))


def _details(error: grpc.aio.AioRpcError) -> list[ErrorDetail]:
    raw = next((v for k, v in error.trailing_metadata() or () if k == STATUS_DETAILS_KEY), None)
    if not isinstance(raw, bytes):
        return []
    status_type = registry().message("google.rpc.Status")
    assert status_type is not None
    status = status_type.type.from_binary(raw)
    details: list[Any] = status.details  # type: ignore[attr-defined]  # a message made at run time
    return [_decoded(detail) for detail in details]


def _decoded(detail: Any) -> ErrorDetail:
    """The detail as its own message when the contracts know its type (so Connect adds it
    as JSON), else as it came."""
    desc = registry().message(detail.type_url.rpartition("/")[2])
    if desc is None:
        return ErrorDetail(detail)
    message: Message = desc.type.from_binary(detail.value)
    return ErrorDetail(message)
