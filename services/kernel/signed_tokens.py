"""Signed, expiring tokens naming one subject: unsubscribe links, sign-in links, sessions.

A token is ``<payload>.<signature>``, both unpadded urlsafe base64. The payload is
``v1:<issued unix seconds>:<subject>``; the signature is HMAC-SHA256 under a secret of a
purpose label plus the encoded payload, so a token signed for one purpose never verifies for
another under the same secret. Reading compares in constant time and rejects tokens older than
``max_age`` (or issued implausibly far in the future). Pure: the caller passes the time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Final

__all__ = [
    "CLOCK_SKEW",
    "TOKEN_MAX_CHARS",
    "ExpiredToken",
    "InvalidToken",
    "issued_at",
    "make_token",
    "read_token",
]

CLOCK_SKEW: Final = timedelta(minutes=5)
"""How far in the future ``issued_at`` may be, for replicas whose clocks differ slightly."""
TOKEN_MAX_CHARS: Final = 1024

_VERSION = "v1"


class InvalidToken(Exception):
    """Not a token of this purpose and secret (forged, altered, truncated or malformed)."""


class ExpiredToken(InvalidToken):
    """A genuine token, older than the reader allows."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    if not text or "=" in text:
        raise ValueError("not unpadded base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, purpose: bytes, encoded_payload: str) -> bytes:
    label = purpose + b"\x00"
    return hmac.new(secret, label + encoded_payload.encode("ascii"), hashlib.sha256).digest()


def _require(secret: bytes, purpose: bytes) -> None:
    if not secret:
        raise ValueError("the signing secret must not be empty")
    if not purpose or b"\x00" in purpose:
        raise ValueError("a purpose is a non-empty label without NUL")


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def make_token(secret: bytes, purpose: bytes, subject: str, issued_at: datetime) -> str:
    """A token naming ``subject`` for ``purpose``, valid from ``issued_at`` for the reader's
    ``max_age``."""
    _require(secret, purpose)
    _require_aware(issued_at, "issued_at")
    if not subject:
        raise ValueError("the subject must not be empty")
    seconds = int(issued_at.astimezone(UTC).timestamp())
    payload = _b64encode(f"{_VERSION}:{seconds}:{subject}".encode())
    return f"{payload}.{_b64encode(_signature(secret, purpose, payload))}"


def _open(secret: bytes, purpose: bytes, token: str) -> tuple[datetime, str]:
    """The issue time and subject of a genuine token, expired or not."""
    _require(secret, purpose)
    if not token or len(token) > TOKEN_MAX_CHARS or not token.isascii() or token.count(".") != 1:
        raise InvalidToken("not a token")
    payload, signature_text = token.split(".")
    # Comparing the canonical encodings also rejects variants of a genuine signature's text.
    expected = _b64encode(_signature(secret, purpose, payload))
    if not hmac.compare_digest(signature_text.encode("ascii"), expected.encode("ascii")):
        raise InvalidToken("bad signature")
    # Authentic from here on: a malformed payload would be our own bug, but stay defensive.
    try:
        version, seconds_text, subject = _b64decode(payload).decode().split(":", 2)
        issued = datetime.fromtimestamp(int(seconds_text), UTC)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError):
        raise InvalidToken("malformed payload") from None
    if version != _VERSION or not subject:
        raise InvalidToken("unknown version")
    return issued, subject


def read_token(secret: bytes, purpose: bytes, token: str, now: datetime, max_age: timedelta) -> str:
    """The subject of a genuine, unexpired token of ``purpose``; raises :class:`InvalidToken`
    (:class:`ExpiredToken` when it is only too old)."""
    _require_aware(now, "now")
    issued, subject = _open(secret, purpose, token)
    age = now.astimezone(UTC) - issued
    if age > max_age:
        raise ExpiredToken("expired")
    if age < -CLOCK_SKEW:
        raise InvalidToken("issued in the future")
    return subject


def issued_at(secret: bytes, purpose: bytes, token: str) -> datetime:
    """When a genuine token was issued, whatever its age (to renew a session in time)."""
    return _open(secret, purpose, token)[0]
