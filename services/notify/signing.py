"""Standard Webhooks signatures (symmetric scheme, ``v1``): sign outgoing webhooks, verify them.

Follows the Standard Webhooks specification 1.0.0 (https://www.standardwebhooks.com/):

- the secret is serialised as ``whsec_`` + base64 of 24 to 64 random bytes;
- the signed content is ``{webhook-id}.{webhook-timestamp}.{raw body}``, signed with
  HMAC-SHA256, and sent as ``v1,<base64 signature>``;
- ``webhook-signature`` is a space-delimited list, so a sender can sign with the old and the
  new secret during a rotation and a receiver accepts when any one signature matches;
- ``webhook-timestamp`` is integer unix seconds, rejected when it is too far from the
  receiver's clock (5 minutes by default) to stop replays.

Pure: the caller passes the time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
DEFAULT_TOLERANCE_SECONDS = 300

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"

Secrets = str | Sequence[str]
"""One ``whsec_`` secret, or several (the current one first) while rotating."""


class InvalidSecret(ValueError):
    """A secret is not ``whsec_`` followed by base64 of 24 to 64 bytes."""


class WebhookVerificationError(Exception):
    """A received webhook must not be trusted; the subclass says why."""


class MissingHeader(WebhookVerificationError):
    """``webhook-id``, ``webhook-timestamp`` or ``webhook-signature`` is absent or empty."""


class InvalidTimestamp(WebhookVerificationError):
    """``webhook-timestamp`` is not integer unix seconds."""


class TimestampTooOld(WebhookVerificationError):
    """The timestamp is older than the tolerance allows (a replay, or a very late delivery)."""


class TimestampTooNew(WebhookVerificationError):
    """The timestamp is further in the future than the tolerance allows."""


class BadSignature(WebhookVerificationError):
    """No ``v1`` signature in ``webhook-signature`` matches the content and any secret."""


def generate_secret(size: int = 32) -> str:
    """A new random secret in the ``whsec_`` format."""
    if not MIN_SECRET_BYTES <= size <= MAX_SECRET_BYTES:
        raise InvalidSecret(f"a secret has {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(size)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_`` secret. Padding may be left out."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidSecret(f"a webhook secret starts with {SECRET_PREFIX!r}")
    encoded = secret.removeprefix(SECRET_PREFIX).rstrip("=")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidSecret("a webhook secret is base64 after its prefix") from error
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InvalidSecret(
            f"a webhook secret holds {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, not {len(key)}"
        )
    return key


def secret_keys(secret: Secrets) -> list[bytes]:
    """The HMAC keys of one secret or several; raises :class:`InvalidSecret` on a bad one."""
    listed = [secret] if isinstance(secret, str) else list(secret)
    if not listed:
        raise InvalidSecret("at least one webhook secret is needed")
    return [secret_key(one) for one in listed]


def _unix_seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return int(moment.timestamp() // 1)


def _digest(key: bytes, message_id: str, timestamp: str, body: bytes) -> bytes:
    content = f"{message_id}.{timestamp}.".encode() + body
    return hmac.new(key, content, hashlib.sha256).digest()


def sign(secret: Secrets, message_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body``, sent at ``timestamp``.

    ``message_id`` stays the same across retries (receivers deduplicate on it); the timestamp
    is the attempt's. Several secrets give several signatures (key rotation).
    """
    if not message_id or "." in message_id or not message_id.isprintable():
        # A "." would make "{id}.{timestamp}.{body}" ambiguous (the spec forbids it).
        raise ValueError("a webhook id is non-empty, printable and holds no '.'")
    stamp = str(_unix_seconds(timestamp))
    signatures = " ".join(
        f"{SIGNATURE_VERSION},{base64.b64encode(_digest(key, message_id, stamp, body)).decode()}"
        for key in secret_keys(secret)
    )
    return {ID_HEADER: message_id, TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signatures}


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name and value.strip():
            return value.strip()
    raise MissingHeader(f"the {name} header is missing")


def _offered(signature_header: str) -> list[bytes]:
    """The decodable ``v1`` signatures of the header; other versions (``v1a``) are skipped."""
    offered = []
    for entry in signature_header.split():
        version, _, encoded = entry.partition(",")
        if version != SIGNATURE_VERSION:
            continue
        try:
            offered.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return offered


def verify(
    secret: Secrets,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Accept a received webhook or raise a :class:`WebhookVerificationError` subclass.

    ``headers`` are looked up case-insensitively; ``body`` must be the raw bytes as received
    (not re-serialised JSON). Every offered ``v1`` signature is compared in constant time with
    the expected one of every secret.
    """
    keys = secret_keys(secret)
    message_id = _header(headers, ID_HEADER)
    stamp = _header(headers, TIMESTAMP_HEADER)
    signature_header = _header(headers, SIGNATURE_HEADER)
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise InvalidTimestamp(f"{TIMESTAMP_HEADER} must be integer unix seconds")
    age = _unix_seconds(now) - int(stamp)
    if age > tolerance_seconds:
        raise TimestampTooOld(f"the webhook was signed {age} s ago (tolerance {tolerance_seconds})")
    if -age > tolerance_seconds:
        raise TimestampTooNew(
            f"the webhook is signed {-age} s in the future (tolerance {tolerance_seconds})"
        )
    offered = _offered(signature_header)
    matched = False
    for key in keys:
        expected = _digest(key, message_id, stamp, body)
        for candidate in offered:
            # No early exit: the work does not depend on which signature matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise BadSignature("no webhook signature matches")
