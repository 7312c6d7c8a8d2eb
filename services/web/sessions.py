"""Who is signed in: the session cookie, calendar feed addresses, form tokens.

All are tokens of the shared scheme (:mod:`services.kernel.signed_tokens`) under the web
app's secret, each with its own purpose, so none can stand in for another: a calendar address
signs nobody in. Nothing is stored on the server. Sign-in links are notify's (it mails them,
and redeems each once): the app asks it whom a link signs in.

A session names a student (``student:<id>``) or carries a coordinator's bearer token
(``token:<token>``), which every call made for them presents, so the services decide what
they may do. The cookie is HttpOnly and SameSite=Lax, and Secure when the app is served over
https. Forms that change something carry a token bound to the session (:func:`form_token`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from services.kernel.signed_tokens import InvalidToken, make_token, read_token

__all__ = [
    "COOKIE",
    "Session",
    "SessionKind",
    "calendar_token",
    "form_token",
    "read_calendar_token",
    "read_session",
    "session_cookie",
]

COOKIE: Final = "se_session"
LANGUAGE_COOKIE: Final = "se_lang"
SESSION_PURPOSE: Final = b"socialerasmus.web.session"
CALENDAR_PURPOSE: Final = b"socialerasmus.web.calendar"
FORM_PURPOSE: Final = b"socialerasmus.web.form\x00"
COORDINATOR_HOURS: Final = 12
CALENDAR_ISSUED: Final = datetime(2025, 1, 1, tzinfo=UTC)
CALENDAR_MAX_AGE: Final = timedelta(days=36500)
"""A student's feed address is the same every time (a calendar app keeps the one it was
given) and does not expire; rotating the app's secret revokes every address at once."""


class SessionKind(StrEnum):
    STUDENT = "student"
    TOKEN = "token"
    """A coordinator (or operator) with their own bearer token."""


@dataclass(frozen=True, slots=True)
class Session:
    kind: SessionKind
    value: str
    """The student id, or the bearer token."""
    cookie: str
    """The cookie as sent, which form tokens are bound to."""

    @property
    def student_id(self) -> str:
        return self.value if self.kind is SessionKind.STUDENT else ""

    @property
    def token(self) -> str:
        return self.value if self.kind is SessionKind.TOKEN else ""


def session_cookie(secret: bytes, kind: SessionKind, value: str, now: datetime) -> str:
    return make_token(secret, SESSION_PURPOSE, f"{kind.value}:{value}", now)


def read_session(secret: bytes, cookie: str, now: datetime, student_days: int) -> Session | None:
    """The session of a genuine, unexpired cookie; None for anything else."""
    if not cookie:
        return None
    try:
        subject = read_token(secret, SESSION_PURPOSE, cookie, now, timedelta(days=student_days))
    except InvalidToken:
        return None
    kind_text, _, value = subject.partition(":")
    try:
        kind = SessionKind(kind_text)
    except ValueError:
        return None
    if not value:
        return None
    if kind is SessionKind.TOKEN:
        try:  # coordinators' sessions are shorter
            read_token(secret, SESSION_PURPOSE, cookie, now, timedelta(hours=COORDINATOR_HOURS))
        except InvalidToken:
            return None
    return Session(kind, value, cookie)


def max_age_seconds(kind: SessionKind, student_days: int) -> int:
    if kind is SessionKind.TOKEN:
        return COORDINATOR_HOURS * 3600
    return student_days * 86400


def calendar_token(secret: bytes, student_id: str) -> str:
    """The secret part of a student's calendar feed address, always the same."""
    return make_token(secret, CALENDAR_PURPOSE, student_id, CALENDAR_ISSUED)


def read_calendar_token(secret: bytes, token: str, now: datetime) -> str | None:
    try:
        return read_token(secret, CALENDAR_PURPOSE, token, now, CALENDAR_MAX_AGE)
    except InvalidToken:
        return None


def form_token(secret: bytes, session: Session) -> str:
    """A token for the forms of one session: a page of another site cannot know it."""
    digest = hmac.new(secret, FORM_PURPOSE + session.cookie.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def form_token_matches(secret: bytes, session: Session, presented: str) -> bool:
    return hmac.compare_digest(form_token(secret, session), presented)
