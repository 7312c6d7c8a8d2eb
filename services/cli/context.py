"""What a command handler gets: its arguments, the output and a configured client."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from services.cli import tokens
from services.cli.output import Output
from services.client import ClientConfig, Service, SocialErasmusClient

DEFAULT_DEADLINE_SECONDS = 10.0


@dataclass
class Context:
    args: argparse.Namespace
    out: Output
    env: Mapping[str, str]
    credentials: tokens.Credentials | None = field(default=None, init=False)
    """Set once the command asked for an authenticated client."""

    def text(self, name: str) -> str | None:
        """A text option; None when given neither before nor after the command."""
        value = getattr(self.args, name, None)
        return value if isinstance(value, str) and value else None

    @property
    def token_origin(self) -> str:
        return self.credentials.origin if self.credentials else ""

    def token(self) -> str:
        """The bearer token for this command (see :mod:`services.cli.tokens`)."""
        if self.credentials is None:
            self.credentials = tokens.resolve(
                self.text("token"), self.text("as_role"), self.args.role, self.env
            )
        return self.credentials.token

    def address(self, service: Service) -> str:
        return (
            self.text(service.value)
            or self.env.get(service.address_variable, "").strip()
            or service.default_address
        )

    def deadline(self) -> float:
        """``--timeout``, else the command's own default, else 10 seconds."""
        for value in (getattr(self.args, "timeout", None), getattr(self.args, "deadline", None)):
            if isinstance(value, float | int):
                return float(value)
        return DEFAULT_DEADLINE_SECONDS

    def config(self, *, authenticated: bool = True) -> ClientConfig:
        return ClientConfig(
            catalogue_address=self.address(Service.CATALOGUE),
            matching_address=self.address(Service.MATCHING),
            notify_address=self.address(Service.NOTIFY),
            token=self.token() if authenticated else None,
            deadline_seconds=self.deadline(),
            request_id=self.text("request_id"),
        )

    @contextlib.asynccontextmanager
    async def client(self, *, authenticated: bool = True) -> AsyncIterator[SocialErasmusClient]:
        async with SocialErasmusClient(self.config(authenticated=authenticated)) as client:
            yield client
