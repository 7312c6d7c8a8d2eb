"""Where e-mail goes: the SMTP settings of every process that sends mail (notify's messages,
the web app's sign-in links), read from the same ``SE_SMTP_*`` variables.

With the local stack and no ``SE_SMTP_HOST``, mail goes to the local mailbox
(:mod:`services.runtime.mailbox`); against external servers it is off until a relay is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from services.runtime.config import SettingsError
from services.runtime.localstack import DEFAULT_MAIL_PORT

DEFAULT_SENDER = "ESN SocialErasmus <noreply@socialerasmus.example>"


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send e-mail. The password never appears in ``repr``."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    starttls: bool
    """Upgrade with STARTTLS (required when True; never attempted when False)."""
    sender: str
    """The From header, e.g. ``ESN SocialErasmus <noreply@socialerasmus.example>``."""
    timeout: float = 30.0
    """Seconds allowed for connecting and for each SMTP command."""


def smtp_from_env(values: Mapping[str, str], local: bool) -> SmtpSettings | None:
    """The relay of ``SE_SMTP_HOST`` (port, STARTTLS, login and sender beside it), the local
    mailbox when ``local`` and no host is set, else ``None`` (no e-mail)."""
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
