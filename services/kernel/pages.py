"""Pages of a listing: the page size asked for, and the opaque token of the next page.

A token carries the key of the last item returned (a position, so items added meanwhile neither
repeat nor shift the following pages), bound to a fingerprint of what is listed so that a token
cannot be replayed against another listing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from services.kernel import limits
from services.runtime.errors import InvalidArgument

__all__ = ["ANY_PAGE_KEY_PATTERN", "decode_page_token", "encode_page_token", "validate_page_size"]

# What decode_page_token accepts as a key unless told otherwise: printable ASCII, no spaces.
# Listings pass a stricter pattern (ORDERING_KEY_PATTERN for activities) when they have one.
ANY_PAGE_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,256}")

_PAGE_TOKEN_VERSION = 1


def validate_page_size(value: int, field: str) -> int:
    """Returns the page size to use: 0 means the default; outside 0..100 is rejected."""
    if value == 0:
        return limits.PAGE_SIZE_DEFAULT
    if not 1 <= value <= limits.PAGE_SIZE_MAX:
        raise InvalidArgument.single(field, f"must be between 1 and {limits.PAGE_SIZE_MAX}")
    return value


def encode_page_token(last_key: str, filter_fingerprint: str) -> str:
    """An opaque token (URL-safe base64 of JSON, unpadded) for the page after ``last_key``."""
    payload = json.dumps(
        {"v": _PAGE_TOKEN_VERSION, "k": last_key, "f": filter_fingerprint},
        sort_keys=True,
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii").rstrip("=")


def decode_page_token(
    token: str,
    filter_fingerprint: str,
    field: str = "page_token",
    *,
    key_pattern: re.Pattern[str] = ANY_PAGE_KEY_PATTERN,
) -> str:
    r"""The last key carried by ``token``; InvalidArgument on ``field`` if the token is not one
    we made for this filter or its key does not fully match ``key_pattern``. The default accepts
    any short printable key; pass ``ORDERING_KEY_PATTERN`` for activity listings, or the shape of
    your own keys (``re.compile(r"\d{1,19}")``), so a forged key fails here as InvalidArgument.

    Tokens are not signed: a client can forge one, but only to start a listing it may run
    anyway at another position, so binding to the filter and checking the shape is enough.
    """
    invalid = InvalidArgument.single(field, "invalid page token; list again without it")
    if not token or len(token) > limits.PAGE_TOKEN_MAX_CHARS:
        raise invalid
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if not isinstance(payload, dict) or set(payload) != {"v", "k", "f"}:
        raise invalid
    version, key, fingerprint = payload["v"], payload["k"], payload["f"]
    if (
        version != _PAGE_TOKEN_VERSION
        or not isinstance(key, str)
        or not isinstance(fingerprint, str)
    ):
        raise invalid
    # Only our exact encoding is accepted, which also rejects edits to the unused padding bits.
    if key_pattern.fullmatch(key) is None or encode_page_token(key, fingerprint) != token:
        raise invalid
    if fingerprint != filter_fingerprint:
        raise InvalidArgument.single(
            field, "page token was issued for a different filter; list again without it"
        )
    return key
