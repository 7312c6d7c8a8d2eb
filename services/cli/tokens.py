"""Which bearer token a command sends.

In order: ``--token``; the local dev token of the role asked for with ``--as``; ``SE_TOKEN``;
the local dev token of the command's own default role. The dev tokens are those the run
command writes to ``.local/dev-tokens.json`` (``SE_LOCAL_DIR`` moves the folder).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.cli.errors import BAD_INPUT, CliError
from services.runtime.config import project_root
from services.runtime.devtokens import DEV_PRINCIPALS, dev_tokens_path

ROLES = tuple(DEV_PRINCIPALS)
"""The roles of the dev tokens: operator, platform, coordinator, student."""


@dataclass(frozen=True, slots=True)
class Credentials:
    token: str
    origin: str
    """Where the token came from, for messages: ``--token``, ``SE_TOKEN``, ..."""


def dev_tokens_file(env: Mapping[str, str]) -> Path:
    local_dir = env.get("SE_LOCAL_DIR", "").strip()
    return dev_tokens_path(Path(local_dir) if local_dir else project_root() / ".local")


def resolve(
    explicit: str | None, role: str | None, default_role: str, env: Mapping[str, str]
) -> Credentials:
    """The token to send; raises :class:`CliError` when there is none."""
    if explicit:
        return Credentials(explicit, "--token")
    if role:
        return _dev_token(role, env, asked=True)
    if configured := env.get("SE_TOKEN", "").strip():
        return Credentials(configured, "SE_TOKEN")
    return _dev_token(default_role, env, asked=False)


def _dev_token(role: str, env: Mapping[str, str], *, asked: bool) -> Credentials:
    path = dev_tokens_file(env)
    try:
        tokens = json.loads(path.read_text())
    except FileNotFoundError:
        why = "--as uses" if asked else "no --token or SE_TOKEN given, and no"
        raise CliError(
            f"{why} local dev tokens: {path} does not exist",
            BAD_INPUT,
            ["start the local stack with `make run`, or pass --token / set SE_TOKEN"],
        ) from None
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the dev tokens in {path}: {error}", BAD_INPUT) from None
    token = tokens.get(role) if isinstance(tokens, dict) else None
    if not isinstance(token, str) or not token:
        raise CliError(f"{path} has no token for the role {role!r}", BAD_INPUT)
    return Credentials(token, f"the local dev {role} token")
