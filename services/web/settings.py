"""The web app's settings, from environment variables read once at start-up.

With the local stack (no NATS or Redis URL given), as under ``make run``, the platform token
is the local ``platform`` dev token and the signing secret is made once and kept in the local
folder; elsewhere both are required.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from services.client.config import ClientConfig
from services.runtime.config import LEVELS, SettingsError, project_root
from services.runtime.devtokens import dev_tokens_path
from services.runtime.local_secrets import kept_secret

DEFAULT_PORT = 8000
DEFAULT_LISTEN = f"0.0.0.0:{DEFAULT_PORT}"
SECRET_FILE = "web.key"
MIN_SECRET_CHARS = 16


class CoordinatorSignIn(StrEnum):
    """How coordinators prove who they are."""

    TOKEN = "token"
    """They paste their bearer token (what the local stack and the command line use)."""
    ESN_ACCOUNTS = "esn-accounts"
    """ESN Accounts single sign-on (CAS): not available yet; the setting keeps its place."""


@dataclass(frozen=True, slots=True)
class WebSettings:
    listen: str
    """HTTP ``host:port`` (SE_WEB_LISTEN)."""
    public_url: str
    """Where people reach the app, without a trailing slash (SE_WEB_PUBLIC_URL): the base of
    the calendar feed. An ``https`` URL marks cookies Secure."""
    client: ClientConfig = field(repr=False)
    """The services' addresses and the web app's own token (SE_WEB_TOKEN), a ``platform``
    token: students have no token of their own in the browser, so the app acts for the one
    signed in, and only for them."""
    secret: bytes = field(repr=False)
    """Signs sessions, form tokens and calendar feed addresses (SE_WEB_SECRET)."""
    tokens_file: Path
    """Where coordinators' tokens are checked (SE_TOKENS_FILE, as the services read it)."""
    session_days: int = 14
    """How long a student stays signed in (SE_WEB_SESSION_DAYS); coordinators 12 hours."""
    coordinator_sign_in: CoordinatorSignIn = CoordinatorSignIn.TOKEN
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise SettingsError("SE_WEB_LISTEN must be host:port")
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise SettingsError("SE_WEB_PUBLIC_URL must be an http(s) URL such as https://x.org")
        if len(self.secret) < MIN_SECRET_CHARS:
            raise SettingsError(f"SE_WEB_SECRET must have at least {MIN_SECRET_CHARS} characters")
        if not self.client.token:
            raise SettingsError("SE_WEB_TOKEN (a platform token) is required")
        if self.log_level not in LEVELS:
            raise SettingsError(f"SE_LOG_LEVEL must be one of {', '.join(LEVELS)}")
        if self.coordinator_sign_in is CoordinatorSignIn.ESN_ACCOUNTS:
            raise SettingsError(
                "SE_WEB_COORDINATOR_SIGN_IN=esn-accounts: ESN Accounts single sign-on is not"
                " available yet; use token"
            )

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0]

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebSettings:
        values = os.environ if env is None else env
        local_dir = Path(values.get("SE_LOCAL_DIR") or project_root() / ".local")
        local = not (values.get("SE_NATS_URL") and values.get("SE_REDIS_URL"))
        listen = values.get("SE_WEB_LISTEN") or DEFAULT_LISTEN
        port = listen.rpartition(":")[2]
        secret = values.get("SE_WEB_SECRET", "")
        if not secret:
            if not local:
                raise SettingsError("SE_WEB_SECRET is required with external NATS/Redis")
            secret = kept_secret(local_dir / SECRET_FILE)
        token = values.get("SE_WEB_TOKEN", "").strip()
        if not token and local:
            token = _local_platform_token(local_dir)
        mode = values.get("SE_WEB_COORDINATOR_SIGN_IN") or CoordinatorSignIn.TOKEN.value
        try:
            coordinator_sign_in = CoordinatorSignIn(mode)
        except ValueError:
            raise SettingsError(
                "SE_WEB_COORDINATOR_SIGN_IN must be token or esn-accounts"
            ) from None
        return cls(
            listen=listen,
            public_url=(values.get("SE_WEB_PUBLIC_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
            client=ClientConfig.from_env(values, token=token or None),
            secret=secret.encode(),
            tokens_file=Path(values.get("SE_TOKENS_FILE") or local_dir / "tokens.json"),
            session_days=_whole(values, "SE_WEB_SESSION_DAYS", 14),
            coordinator_sign_in=coordinator_sign_in,
            log_level=(values.get("SE_LOG_LEVEL") or "INFO").upper(),
        )


def web_secret(local_dir: Path, env: Mapping[str, str] | None = None) -> bytes:
    """The secret the web app signs with: SE_WEB_SECRET, else the local stack's kept one (the
    run command gives it to the app also when it runs against servers of one's own)."""
    values = os.environ if env is None else env
    return (values.get("SE_WEB_SECRET") or kept_secret(local_dir / SECRET_FILE)).encode()


def _local_platform_token(local_dir: Path) -> str:
    path = dev_tokens_path(local_dir)
    if not path.exists():
        raise SettingsError(f"SE_WEB_TOKEN is not set and {path} does not exist (run make run)")
    tokens: dict[str, str] = json.loads(path.read_text())
    return tokens.get("platform", "")


def _whole(values: Mapping[str, str], name: str, default: int) -> int:
    raw = values.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)
