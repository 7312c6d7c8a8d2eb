"""Notify's own settings, from the environment (``.env.example`` lists them all).

With the local stack (no NATS or Redis URL given), e-mail goes to the local mailbox started
beside NATS and Redis, and the secrets are generated once and kept in the local folder.
Against external servers the unsubscribe secret is required; e-mail and webhooks are off
until ``SE_SMTP_HOST`` and ``SE_NOTIFY_WEBHOOK_SECRET`` are set (messages for those channels
are then recorded as skipped, with that reason).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from services.notify.dispatch import LEASE_SECONDS
from services.notify.email_channel import SmtpSettings
from services.notify.signing import InvalidSecret, generate_secret, secret_keys
from services.runtime.config import RuntimeSettings, SettingsError
from services.runtime.localstack import DEFAULT_MAIL_PORT

DEFAULT_SENDER = "ESN SocialErasmus <noreply@socialerasmus.example>"
DEFAULT_UNSUBSCRIBE_URL = "https://socialerasmus.example/unsubscribe"
DEFAULT_PREFERENCES_URL = "https://socialerasmus.example/notifications"
"""Transactional messages link here instead of to unsubscribing, so it is never empty."""


@dataclass(frozen=True, slots=True)
class NotifySettings:
    smtp: SmtpSettings | None
    webhook_secrets: tuple[str, ...]
    """Current secret first; more than one while rotating (each signs every webhook)."""
    unsubscribe_secret: bytes
    unsubscribe_url: str
    manage_url: str
    activity_url: str
    """``{activity_id}`` is replaced; empty leaves activity links out."""
    lease_seconds: float = LEASE_SECONDS
    """How long a replica holds a due job; a crashed replica's jobs wait this long."""

    @classmethod
    def from_env(
        cls, runtime: RuntimeSettings, env: Mapping[str, str] | None = None
    ) -> NotifySettings:
        values = os.environ if env is None else env
        local = runtime.uses_local_stack
        unsubscribe = values.get("SE_NOTIFY_UNSUBSCRIBE_SECRET", "")
        if not unsubscribe:
            if not local:
                raise SettingsError(
                    "SE_NOTIFY_UNSUBSCRIBE_SECRET is required with external NATS/Redis"
                )
            unsubscribe = _kept(runtime.local_dir / "unsubscribe.key", _token)
        webhook = values.get("SE_NOTIFY_WEBHOOK_SECRET", "")
        if not webhook and local:
            webhook = _kept(runtime.local_dir / "webhook.key", generate_secret)
        webhook_secrets = tuple(webhook.split())
        try:
            if webhook_secrets:
                secret_keys(webhook_secrets)
        except InvalidSecret as error:
            raise SettingsError(f"SE_NOTIFY_WEBHOOK_SECRET: {error}") from error
        return cls(
            smtp=_smtp(values, local),
            webhook_secrets=webhook_secrets,
            unsubscribe_secret=unsubscribe.encode(),
            unsubscribe_url=values.get("SE_NOTIFY_UNSUBSCRIBE_URL") or DEFAULT_UNSUBSCRIBE_URL,
            manage_url=values.get("SE_NOTIFY_PREFERENCES_URL") or DEFAULT_PREFERENCES_URL,
            activity_url=values.get("SE_NOTIFY_ACTIVITY_URL", ""),
            lease_seconds=_seconds(values, "SE_NOTIFY_LEASE_SECONDS", LEASE_SECONDS),
        )


def _smtp(values: Mapping[str, str], local: bool) -> SmtpSettings | None:
    host = values.get("SE_SMTP_HOST", "")
    if not host and not local:
        return None
    port_text = values.get("SE_SMTP_PORT") or str(DEFAULT_MAIL_PORT if not host else 587)
    try:
        port = int(port_text)
    except ValueError:
        raise SettingsError(f"SE_SMTP_PORT must be a number, not {port_text!r}") from None
    starttls = values.get("SE_SMTP_STARTTLS", "true" if host else "false").lower()
    if starttls not in {"true", "false"}:
        raise SettingsError("SE_SMTP_STARTTLS must be true or false")
    return SmtpSettings(
        host=host or "127.0.0.1",
        port=port,
        username=values.get("SE_SMTP_USERNAME") or None,
        password=values.get("SE_SMTP_PASSWORD") or None,
        starttls=starttls == "true",
        sender=values.get("SE_SMTP_SENDER") or DEFAULT_SENDER,
    )


def _seconds(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name, "")
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if seconds <= 0:
        raise SettingsError(f"{name} must be positive")
    return seconds


def _token() -> str:
    return secrets.token_urlsafe(32)


def _kept(path: Path, make: Callable[[], str]) -> str:
    """A secret generated on first use and kept in the local folder (owner-only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()
