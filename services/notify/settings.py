"""Notify's own settings, from the environment (``.env.example`` lists them all).

With the local stack (no NATS or Redis URL given), e-mail goes to the local mailbox started
beside NATS and Redis, and the secrets are generated once and kept in the local folder.
Against external servers the unsubscribe secret is required; e-mail and webhooks are off
until ``SE_SMTP_HOST`` and ``SE_NOTIFY_WEBHOOK_SECRET`` are set (messages for those channels
are then recorded as skipped, with that reason).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.notify.dispatch import LEASE_SECONDS
from services.notify.signing import InvalidSecret, generate_secret, secret_keys
from services.runtime.config import RuntimeSettings, SettingsError
from services.runtime.local_secrets import kept_secret
from services.runtime.smtp import SmtpSettings, smtp_from_env

DEFAULT_UNSUBSCRIBE_URL = "https://socialerasmus.example/unsubscribe"
DEFAULT_PREFERENCES_URL = "https://socialerasmus.example/notifications"
"""Transactional messages link here instead of to unsubscribing, so it is never empty."""
DEFAULT_SIGN_IN_URL = "https://socialerasmus.example/sign-in/link"
DEFAULT_SIGN_IN_MINUTES = 15
DEFAULT_SIGN_IN_INTERVAL_SECONDS = 60
UNSUBSCRIBE_SECRET_FILE = "unsubscribe.key"


@dataclass(frozen=True, slots=True)
class NotifySettings:
    smtp: SmtpSettings | None
    webhook_secrets: tuple[str, ...]
    """Current secret first; more than one while rotating (each signs every webhook)."""
    unsubscribe_secret: bytes
    """Signs the links notify mails: unsubscribing, and signing in (each its own purpose)."""
    unsubscribe_url: str
    manage_url: str
    activity_url: str
    """``{activity_id}`` is replaced; empty leaves activity links out."""
    lease_seconds: float = LEASE_SECONDS
    """How long a replica holds a due job; a crashed replica's jobs wait this long."""
    sign_in_url: str = DEFAULT_SIGN_IN_URL
    """The web app's page a sign-in link opens (SE_NOTIFY_SIGN_IN_URL); the token and the
    return path are added as ``token`` and ``next``."""
    sign_in_minutes: int = DEFAULT_SIGN_IN_MINUTES
    """How long a sign-in link works (SE_NOTIFY_SIGN_IN_MINUTES)."""
    sign_in_interval_seconds: int = DEFAULT_SIGN_IN_INTERVAL_SECONDS
    """Least time between two sign-in links to one student (SE_NOTIFY_SIGN_IN_INTERVAL_SECONDS;
    0: none)."""

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
            unsubscribe = kept_secret(runtime.local_dir / UNSUBSCRIBE_SECRET_FILE)
        webhook = values.get("SE_NOTIFY_WEBHOOK_SECRET", "")
        if not webhook and local:
            webhook = kept_secret(runtime.local_dir / "webhook.key", generate_secret)
        webhook_secrets = tuple(webhook.split())
        try:
            if webhook_secrets:
                secret_keys(webhook_secrets)
        except InvalidSecret as error:
            raise SettingsError(f"SE_NOTIFY_WEBHOOK_SECRET: {error}") from error
        return cls(
            smtp=smtp_from_env(values, local),
            webhook_secrets=webhook_secrets,
            unsubscribe_secret=unsubscribe.encode(),
            unsubscribe_url=values.get("SE_NOTIFY_UNSUBSCRIBE_URL") or DEFAULT_UNSUBSCRIBE_URL,
            manage_url=values.get("SE_NOTIFY_PREFERENCES_URL") or DEFAULT_PREFERENCES_URL,
            activity_url=values.get("SE_NOTIFY_ACTIVITY_URL", ""),
            lease_seconds=_seconds(values, "SE_NOTIFY_LEASE_SECONDS", LEASE_SECONDS),
            sign_in_url=values.get("SE_NOTIFY_SIGN_IN_URL") or DEFAULT_SIGN_IN_URL,
            sign_in_minutes=_minutes(values, "SE_NOTIFY_SIGN_IN_MINUTES", DEFAULT_SIGN_IN_MINUTES),
            sign_in_interval_seconds=_whole_seconds(
                values, "SE_NOTIFY_SIGN_IN_INTERVAL_SECONDS", DEFAULT_SIGN_IN_INTERVAL_SECONDS
            ),
        )


def link_secret(local_dir: Path, env: Mapping[str, str] | None = None) -> bytes:
    """The secret notify signs its links with: SE_NOTIFY_UNSUBSCRIBE_SECRET, else the local
    stack's kept one (so the run command can print a sign-in link notify redeems)."""
    values = os.environ if env is None else env
    secret = values.get("SE_NOTIFY_UNSUBSCRIBE_SECRET") or kept_secret(
        local_dir / UNSUBSCRIBE_SECRET_FILE
    )
    return secret.encode()


def _whole_seconds(values: Mapping[str, str], name: str, default: int) -> int:
    raw = values.get(name) or str(default)
    if not raw.isdigit():
        raise SettingsError(f"{name} must be a whole number of seconds, not {raw!r}")
    return int(raw)


def _minutes(values: Mapping[str, str], name: str, default: int) -> int:
    raw = values.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a positive whole number of minutes, not {raw!r}")
    return int(raw)


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
