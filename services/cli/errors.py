"""Exit codes, and failed calls explained for a person at a terminal."""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from services.client import ClientError
from services.runtime.devtokens import DEV_PRINCIPALS

OK = 0
FAILED = 1
"""The service refused or failed: not found, permission denied, wrong state, ..."""
BAD_INPUT = 2
"""The command line, an input file or a field of the request is wrong."""
UNREACHABLE = 3
"""A service could not be reached or did not answer in time."""
INTERRUPTED = 130

EXIT_CODES_HELP = """\
exit codes:
  0  done
  1  refused by a service (not found, permission denied, ...), or a service is not healthy
  2  bad command line, input file or request field
  3  a service cannot be reached or did not answer in time"""


class CliError(Exception):
    """Stops a command with a message for a person, extra lines and an exit code."""

    def __init__(self, message: str, exit_code: int = FAILED, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.details = list(details)


def explain(error: ClientError, token_origin: str = "") -> CliError:
    """A :class:`ClientError` as what went wrong and what to do about it."""
    service = str(error.service or "the service")
    where = f"{service} at {error.address}" if error.address else service
    said = " ".join(error.message.split()) or error.code_name
    if error.code == grpc.StatusCode.UNAVAILABLE:
        tries = f" (tried {error.attempts} times)" if error.attempts > 1 else ""
        return CliError(
            f"cannot reach {where} — is `make run` running?{tries}", UNREACHABLE, [said]
        )
    if error.code == grpc.StatusCode.INVALID_ARGUMENT:
        lines = [f"{field}: {why}" for field, why in error.violations.items()] or [said]
        return CliError(f"{service} rejected the request:", BAD_INPUT, lines)
    known: dict[grpc.StatusCode, tuple[str, int, list[str]]] = {
        grpc.StatusCode.DEADLINE_EXCEEDED: (
            f"{where} did not answer in time; --timeout SECONDS allows longer",
            UNREACHABLE,
            [],
        ),
        grpc.StatusCode.PERMISSION_DENIED: (
            f"permission denied by {service}: {said}",
            FAILED,
            [_role_hint(token_origin)],
        ),
        grpc.StatusCode.UNAUTHENTICATED: (
            f"{service} does not accept the token{_from(token_origin)}: {said}",
            FAILED,
            ["pass --token, set SE_TOKEN, or use the dev tokens `make run` writes"],
        ),
        grpc.StatusCode.NOT_FOUND: (f"not found: {said}", FAILED, []),
    }
    message, exit_code, details = known.get(
        error.code, (f"{service}: {error.code_name}: {said}", FAILED, [])
    )
    return CliError(message, exit_code, details)


def _from(origin: str) -> str:
    return f" (from {origin})" if origin else ""


def _role_hint(origin: str) -> str:
    if origin.startswith("the local dev "):
        used = origin.removeprefix("the local dev ").removesuffix(" token")
        others = "|".join(role for role in DEV_PRINCIPALS if role != used)
        return f"this used {origin}; choose another role with --as {others}"
    return f"the token{_from(origin)} may not do this; use one of a role that may"
