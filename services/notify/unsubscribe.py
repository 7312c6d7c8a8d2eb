"""Signed unsubscribe tokens for the link in every message. Pure: the caller passes the time.

A token is ``<payload>.<signature>``, both unpadded urlsafe base64. The payload is
``v1:<issued unix seconds>:<student id>``; the signature is HMAC-SHA256 under the service secret
of a purpose label plus the encoded payload, so a token signed for anything else with the same
secret never verifies here. Verification compares in constant time and rejects tokens older
than ``max_age`` (or issued implausibly far in the future).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Final

from services.runtime.errors import InvalidArgument

__all__ = ["DEFAULT_MAX_AGE", "TOKEN_FIELD", "make_token", "read_token"]

TOKEN_FIELD: Final = "token"
DEFAULT_MAX_AGE: Final = timedelta(days=365)
CLOCK_SKEW: Final = timedelta(minutes=5)
"""How far in the future ``issued_at`` may be, for replicas whose clocks differ slightly."""
TOKEN_MAX_CHARS: Final = 1024

_VERSION = "v1"
_PURPOSE = b"socialerasmus.notify.unsubscribe\x00"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    if not text or "=" in text:
        raise ValueError("not unpadded base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, encoded_payload: str) -> bytes:
    return hmac.new(secret, _PURPOSE + encoded_payload.encode("ascii"), hashlib.sha256).digest()


def _require_secret(secret: bytes) -> None:
    if not secret:
        raise ValueError("the unsubscribe secret must not be empty")


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def make_token(secret: bytes, student_id: str, issued_at: datetime) -> str:
    """A token naming ``student_id``, valid from ``issued_at`` for the reader's ``max_age``."""
    _require_secret(secret)
    _require_aware(issued_at, "issued_at")
    if not student_id:
        raise ValueError("student_id must not be empty")
    seconds = int(issued_at.astimezone(UTC).timestamp())
    payload = _b64encode(f"{_VERSION}:{seconds}:{student_id}".encode())
    return f"{payload}.{_b64encode(_signature(secret, payload))}"


def _invalid() -> InvalidArgument:
    return InvalidArgument.single(TOKEN_FIELD, "is not a valid unsubscribe token")


def read_token(
    secret: bytes, token: str, now: datetime, max_age: timedelta = DEFAULT_MAX_AGE
) -> str:
    """The student id of a genuine, unexpired token; InvalidArgument on field ``token``."""
    _require_secret(secret)
    _require_aware(now, "now")
    if not token:
        raise InvalidArgument.single(TOKEN_FIELD, "required")
    if len(token) > TOKEN_MAX_CHARS or not token.isascii() or token.count(".") != 1:
        raise _invalid()
    payload, signature_text = token.split(".")
    # Comparing the canonical encodings also rejects variants of a genuine signature's text.
    expected = _b64encode(_signature(secret, payload))
    if not hmac.compare_digest(signature_text.encode("ascii"), expected.encode("ascii")):
        raise _invalid()
    # Authentic from here on: a malformed payload would be our own bug, but stay defensive.
    try:
        version, seconds_text, student_id = _b64decode(payload).decode().split(":", 2)
        issued_at = datetime.fromtimestamp(int(seconds_text), UTC)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError):
        raise _invalid() from None
    if version != _VERSION or not student_id:
        raise _invalid()
    age = now.astimezone(UTC) - issued_at
    if age > max_age:
        raise InvalidArgument.single(TOKEN_FIELD, "has expired")
    if age < -CLOCK_SKEW:
        raise _invalid()
    return student_id
