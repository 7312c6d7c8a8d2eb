"""Domain errors as gRPC statuses, with google.rpc.BadRequest for field violations and
google.rpc.RetryInfo for a dependency that is down."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.runtime import errors

CODES: dict[type[errors.DomainError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Aborted: grpc.StatusCode.ABORTED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}


def to_grpc_status(error: errors.DomainError) -> grpc.Status:
    code = next(
        (c for kind, c in CODES.items() if isinstance(error, kind)), grpc.StatusCode.UNKNOWN
    )
    status = status_pb2.Status(code=getattr(code_pb2, code.name), message=str(error))
    if isinstance(error, errors.InvalidArgument):
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=v.field, description=v.description
                )
                for v in error.violations
            ]
        )
        detail = any_pb2.Any()
        detail.Pack(bad_request)
        status.details.append(detail)
    if isinstance(error, errors.FailedPrecondition) and error.preconditions:
        failure = error_details_pb2.PreconditionFailure(
            violations=[
                error_details_pb2.PreconditionFailure.Violation(
                    type=p.type, subject=p.subject, description=p.description
                )
                for p in error.preconditions
            ]
        )
        detail = any_pb2.Any()
        detail.Pack(failure)
        status.details.append(detail)
    if isinstance(error, errors.Unavailable) and error.retry_after_seconds is not None:
        retry_info = error_details_pb2.RetryInfo()
        retry_info.retry_delay.FromNanoseconds(round(error.retry_after_seconds * 1e9))
        detail = any_pb2.Any()
        detail.Pack(retry_info)
        status.details.append(detail)
    result: grpc.Status = rpc_status.to_status(status)
    return result


def precondition_failures(error: grpc.aio.AioRpcError) -> dict[str, str]:
    """Client side: the PreconditionFailure violations carried by an error, by subject."""
    status = rpc_status.from_call(error)
    found: dict[str, str] = {}
    for detail in status.details if status is not None else ():
        failure = error_details_pb2.PreconditionFailure()
        if detail.Unpack(failure):
            found.update({v.subject: v.description for v in failure.violations})
    return found


def field_violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    """Client side: the BadRequest field violations carried by an error, by field."""
    status = rpc_status.from_call(error)
    found: dict[str, str] = {}
    if status is None:
        return found
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            found.update({v.field: v.description for v in bad_request.field_violations})
    return found
