"""Signed unsubscribe tokens for the link in suggestions and digests (no login needed).

The scheme is the shared one of :mod:`services.kernel.signed_tokens` (the web app's sign-in
links use it too), under notify's unsubscribe secret and a purpose label of its own, so a
token signed for anything else with the same secret never verifies here. Pure: the caller
passes the time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from services.kernel import signed_tokens
from services.runtime.errors import InvalidArgument

__all__ = ["DEFAULT_MAX_AGE", "PURPOSE", "TOKEN_FIELD", "make_token", "read_token"]

TOKEN_FIELD: Final = "token"
DEFAULT_MAX_AGE: Final = timedelta(days=365)
PURPOSE: Final = b"socialerasmus.notify.unsubscribe"


def make_token(secret: bytes, student_id: str, issued_at: datetime) -> str:
    """A token naming ``student_id``, valid from ``issued_at`` for the reader's ``max_age``."""
    return signed_tokens.make_token(secret, PURPOSE, student_id, issued_at)


def read_token(
    secret: bytes, token: str, now: datetime, max_age: timedelta = DEFAULT_MAX_AGE
) -> str:
    """The student id of a genuine, unexpired token; InvalidArgument on field ``token``."""
    if not token:
        if not secret:
            raise ValueError("the signing secret must not be empty")
        raise InvalidArgument.single(TOKEN_FIELD, "required")
    try:
        return signed_tokens.read_token(secret, PURPOSE, token, now, max_age)
    except signed_tokens.ExpiredToken:
        raise InvalidArgument.single(TOKEN_FIELD, "has expired") from None
    except signed_tokens.InvalidToken:
        raise InvalidArgument.single(TOKEN_FIELD, "is not a valid unsubscribe token") from None
