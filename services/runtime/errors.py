"""Domain errors. Domain code raises these; the gRPC layer maps each to its status code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One invalid field: its path in the request (``details.capacity``) and why."""

    field: str
    description: str


class DomainError(Exception):
    """Base of every error a caller can act on; anything else is a bug (INTERNAL)."""


class InvalidArgument(DomainError):
    """The request itself is wrong; nothing was changed."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))

    @classmethod
    def single(cls, field: str, description: str) -> InvalidArgument:
        return cls([FieldViolation(field, description)])


class NotFound(DomainError):
    """The named resource does not exist (or the caller may not know that it does)."""


class AlreadyExists(DomainError):
    """A resource with that identity exists already."""


@dataclass(frozen=True, slots=True)
class Precondition:
    """One unmet precondition (google.rpc.PreconditionFailure): of what ``type``, about which
    ``subject`` (an item of the request, ``items[3]``), and why."""

    type: str
    subject: str
    description: str


class FailedPrecondition(DomainError):
    """The resource is not in a state that allows the operation (e.g. enrol in a draft);
    ``preconditions`` name what failed, when it is items of one request."""

    def __init__(self, message: str, preconditions: Sequence[Precondition] = ()) -> None:
        super().__init__(message)
        self.preconditions = tuple(preconditions)


class Aborted(DomainError):
    """A concurrent change won: the caller's expected version is stale. Re-read and retry."""


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""


class Unauthenticated(DomainError):
    """No valid credentials came with the call."""


class ResourceExhausted(DomainError):
    """A quota or size limit was reached."""


class Unavailable(DomainError):
    """A dependency is down; retrying later may succeed, after ``retry_after_seconds`` if
    given (sent as google.rpc.RetryInfo)."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Violations:
    """Collects field violations so a request reports all its problems at once."""

    def __init__(self) -> None:
        self._items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self._items.append(FieldViolation(field, description))

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise InvalidArgument(list(self._items))
