"""Sign-in links for the web app: signed, expiring, and good for one sign-in.

A link's token is one of the shared scheme (:mod:`services.kernel.signed_tokens`), as the
unsubscribe link's, under notify's link secret and a purpose of its own, so neither passes for
the other. Its subject is ``<link id>:<student id>``: the random id is what redeeming
remembers (until the link expires) to refuse a second use. Pure: the caller passes the time.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlencode

from services.kernel import signed_tokens
from services.runtime.errors import InvalidArgument

__all__ = [
    "PURPOSE",
    "RETURN_PATH_MAX_CHARS",
    "SignInLink",
    "link_url",
    "make_token",
    "read_token",
    "return_path_problem",
]

PURPOSE: Final = b"socialerasmus.notify.sign-in"
TOKEN_FIELD: Final = "token"
LINK_ID_BYTES: Final = 12
RETURN_PATH_MAX_CHARS: Final = 512
_LINK_ID: Final = re.compile(r"[A-Za-z0-9_-]{16}")


@dataclass(frozen=True, slots=True)
class SignInLink:
    """What a genuine link's token says."""

    link_id: str
    student_id: str
    expires_at: datetime


def make_token(secret: bytes, student_id: str, issued_at: datetime) -> str:
    """A token for one sign-in of ``student_id``, with a random id of its own."""
    link_id = secrets.token_urlsafe(LINK_ID_BYTES)
    return signed_tokens.make_token(secret, PURPOSE, f"{link_id}:{student_id}", issued_at)


def read_token(secret: bytes, token: str, now: datetime, max_age: timedelta) -> SignInLink:
    """The link of a genuine, unexpired token; InvalidArgument on field ``token`` otherwise."""
    if not token:
        raise InvalidArgument.single(TOKEN_FIELD, "required")
    try:
        subject = signed_tokens.read_token(secret, PURPOSE, token, now, max_age)
        issued = signed_tokens.issued_at(secret, PURPOSE, token)
    except signed_tokens.ExpiredToken:
        raise InvalidArgument.single(TOKEN_FIELD, "has expired") from None
    except signed_tokens.InvalidToken:
        raise InvalidArgument.single(TOKEN_FIELD, "is not a valid sign-in token") from None
    link_id, _, student_id = subject.partition(":")
    if _LINK_ID.fullmatch(link_id) is None or not student_id:
        raise InvalidArgument.single(TOKEN_FIELD, "is not a valid sign-in token")
    return SignInLink(link_id, student_id, issued + max_age)


def return_path_problem(path: str) -> str | None:
    """Why ``path`` is not a path of the web app to return to (None when it is, or empty)."""
    if not path:
        return None
    if len(path) > RETURN_PATH_MAX_CHARS:
        return f"must be at most {RETURN_PATH_MAX_CHARS} characters long"
    if not path.isascii() or not path.isprintable() or " " in path:
        return "must be a path without spaces or control characters"
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return "must be a path of the web app, starting with a single /"
    return None


def link_url(base: str, token: str, return_path: str = "") -> str:
    """The link a mail carries: the web app's sign-in address with the token (and where to
    go after signing in)."""
    query = {"token": token} | ({"next": return_path} if return_path else {})
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode(query)}"
