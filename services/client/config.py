"""Where the services are and how every call is made."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from services.client.retry import RetryPolicy
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2
from socialerasmus.notify.v1 import notify_pb2

DEFAULT_DEADLINE_SECONDS = 10.0
REQUEST_ID_HEADER = "x-request-id"
"""Metadata key of the request id; the services log it with every line about the call."""


class Service(StrEnum):
    """The three services, by the name people use for them."""

    CATALOGUE = "catalogue"
    MATCHING = "matching"
    NOTIFY = "notify"

    @property
    def default_address(self) -> str:
        return _DEFAULT_ADDRESSES[self]

    @property
    def address_variable(self) -> str:
        """Environment variable that overrides the default address."""
        return f"SE_{self.name}_ADDRESS"

    @property
    def grpc_name(self) -> str:
        """Full gRPC service name, as in method paths and health checks."""
        return _GRPC_NAMES[self]


_DEFAULT_ADDRESSES = {
    Service.CATALOGUE: "127.0.0.1:50051",
    Service.MATCHING: "127.0.0.1:50052",
    Service.NOTIFY: "127.0.0.1:50053",
}
_GRPC_NAMES = {
    Service.CATALOGUE: catalogue_pb2.DESCRIPTOR.services_by_name["CatalogueService"].full_name,
    Service.MATCHING: matching_pb2.DESCRIPTOR.services_by_name["MatchingService"].full_name,
    Service.NOTIFY: notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name,
}


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Everything a :class:`~services.client.SocialErasmusClient` needs; immutable."""

    catalogue_address: str = Service.CATALOGUE.default_address
    matching_address: str = Service.MATCHING.default_address
    notify_address: str = Service.NOTIFY.default_address
    token: str | None = None
    """Bearer token sent as ``authorization: Bearer <token>``; health checks need none."""
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS
    """Deadline of each attempt of a call."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    request_id: str | None = None
    """Sent as ``x-request-id`` so the services' logs can be joined with the caller's."""
    metadata: tuple[tuple[str, str], ...] = ()
    """Further headers for every call, e.g. ``(("traceparent", "00-..."),)``."""

    def __post_init__(self) -> None:
        if self.deadline_seconds <= 0:
            raise ValueError("deadline_seconds must be positive")
        for key, _ in self.metadata:
            if key != key.lower():
                raise ValueError(f"metadata keys must be lower case: {key!r}")
            if key in {"authorization", REQUEST_ID_HEADER}:
                raise ValueError(f"set {key!r} through token or request_id, not metadata")

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, token: str | None = None
    ) -> ClientConfig:
        """Addresses from ``SE_CATALOGUE_ADDRESS``, ``SE_MATCHING_ADDRESS`` and
        ``SE_NOTIFY_ADDRESS`` (defaults for those unset), the token from ``token`` or else
        ``SE_TOKEN``. Change other fields with :func:`dataclasses.replace`."""
        env = os.environ if env is None else env

        def address(service: Service) -> str:
            return env.get(service.address_variable, "").strip() or service.default_address

        return cls(
            catalogue_address=address(Service.CATALOGUE),
            matching_address=address(Service.MATCHING),
            notify_address=address(Service.NOTIFY),
            token=token or env.get("SE_TOKEN", "").strip() or None,
        )

    def address(self, service: Service) -> str:
        return {
            Service.CATALOGUE: self.catalogue_address,
            Service.MATCHING: self.matching_address,
            Service.NOTIFY: self.notify_address,
        }[service]

    def call_metadata(self) -> tuple[tuple[str, str], ...]:
        """The headers of every call: authorization, request id, then the extra ones."""
        headers: list[tuple[str, str]] = []
        if self.token:
            headers.append(("authorization", f"Bearer {self.token}"))
        if self.request_id:
            headers.append((REQUEST_ID_HEADER, self.request_id))
        return (*headers, *self.metadata)
