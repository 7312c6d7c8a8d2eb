"""The one exception the client raises for a failed call."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import grpc

from services.client.config import Service
from services.runtime.status import field_violations, precondition_failures


class ClientError(Exception):
    """A call failed: the gRPC status code, the server's message and, for INVALID_ARGUMENT,
    the bad fields with why each is wrong (from the ``google.rpc.BadRequest`` detail)."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        violations: Mapping[str, str] | None = None,
        preconditions: Mapping[str, str] | None = None,
        service: Service | None = None,
        address: str = "",
        attempts: int = 1,
    ) -> None:
        self.code = code
        self.message = message
        self.violations: Mapping[str, str] = MappingProxyType(dict(violations or {}))
        """Bad fields by path in the request (``details.capacity``), with why."""
        self.preconditions: Mapping[str, str] = MappingProxyType(dict(preconditions or {}))
        """For FAILED_PRECONDITION about items of a batch: what failed by item (``items[3]``),
        with why (from the ``google.rpc.PreconditionFailure`` detail)."""
        self.service = service
        self.address = address
        self.attempts = attempts
        """How many times the call was tried before giving up."""
        super().__init__(self._text())

    @classmethod
    def from_rpc_error(
        cls, error: grpc.aio.AioRpcError, service: Service, address: str, attempts: int = 1
    ) -> ClientError:
        return cls(
            error.code(),
            error.details() or "",
            violations=field_violations(error),
            preconditions=precondition_failures(error),
            service=service,
            address=address,
            attempts=attempts,
        )

    @property
    def code_name(self) -> str:
        """``INVALID_ARGUMENT``, ``NOT_FOUND``, ..."""
        name: str = self.code.name
        return name

    @property
    def unreachable(self) -> bool:
        """True when the service could not be reached (or could not serve at all)."""
        unavailable: bool = self.code == grpc.StatusCode.UNAVAILABLE
        return unavailable

    @property
    def timed_out(self) -> bool:
        expired: bool = self.code == grpc.StatusCode.DEADLINE_EXCEEDED
        return expired

    def _text(self) -> str:
        where = f"{self.service} at {self.address}: " if self.service else ""
        text = f"{where}{self.code_name}"
        if self.message:
            text += f": {' '.join(self.message.split())}"
        if self.violations:
            text += " (" + "; ".join(f"{f}: {why}" for f, why in self.violations.items()) + ")"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        return text
