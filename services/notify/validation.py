"""Validation of notification preferences. Pure functions: no I/O, no clock.

Every check reports through :class:`Violations`, so preferences with several problems get all
of them back in one ``InvalidArgument``, each under its field path
(``preferences.quiet_hours.start_minute``, ``preferences.muted_causes[1]``). The small checks
are the kernel's (:mod:`services.kernel.violations`), shared with the other services.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import SplitResult, urlsplit

from services.kernel.ids import STUDENT_ID_DESCRIPTION, STUDENT_ID_PATTERN
from services.kernel.violations import (
    check_enum,
    check_pattern,
    check_repeated,
    check_text,
    check_time_zone,
    enum_item,
    known_numbers,
)
from services.runtime.errors import Violations
from socialerasmus.common.v1.common_pb2 import Cause
from socialerasmus.notify.v1.notify_pb2 import Frequency, Preferences

__all__ = [
    "DISPLAY_NAME_MAX_CHARS",
    "EMAIL_MAX_CHARS",
    "LOCALE_PATTERN",
    "MINUTES_PER_DAY",
    "WEBHOOK_URL_MAX_CHARS",
    "WEEKLY_BUDGET_MAX",
    "check_email",
    "check_webhook_url",
    "validate_preferences",
]

EMAIL_MAX_CHARS: Final = 254
"""RFC 5321 limit on a forward path, less the angle brackets."""
WEBHOOK_URL_MAX_CHARS: Final = 2000
DISPLAY_NAME_MAX_CHARS: Final = 64
TEXT_DIRECTION_CHARS: Final = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e") | {
    chr(c) for c in range(0x2066, 0x206A)
}
"""Bidirectional marks, embeddings, overrides and isolates: in a name they would turn the rest
of a greeting around (or hide what it says)."""
MINUTES_PER_DAY: Final = 1440
WEEKLY_BUDGET_MIN: Final = 0
WEEKLY_BUDGET_MAX: Final = 50

# Deliberately simple: one @, no whitespace, a dot in the domain. The mail server is the judge.
EMAIL_PATTERN: Final = re.compile(
    r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+"
)
LOCALE_PATTERN: Final = re.compile(r"[a-z]{2}(-[A-Z]{2})?")
LOCALE_DESCRIPTION: Final = "a BCP 47 tag such as es or pt-BR"

# Plain http is accepted only for a receiver on the same machine (local development).
LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})

_FREQUENCIES = known_numbers(Frequency.DESCRIPTOR)
_CAUSES = known_numbers(Cause.DESCRIPTOR)


def check_email(v: Violations, field: str, value: str) -> bool:
    """An optional address: empty disables the channel."""
    if not value:
        return True
    if len(value) > EMAIL_MAX_CHARS:
        v.add(field, f"must be at most {EMAIL_MAX_CHARS} characters long")
        return False
    if EMAIL_PATTERN.fullmatch(value) is None:
        v.add(field, "must be an email address such as ana@example.org")
        return False
    return True


def _webhook_problem(value: str) -> str | None:
    if len(value) > WEBHOOK_URL_MAX_CHARS:
        return f"must be at most {WEBHOOK_URL_MAX_CHARS} characters long"
    if not value.isascii() or not value.isprintable() or " " in value:
        return "must be a URL without spaces or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        return "must be a valid URL"
    return _webhook_parts_problem(parts)


def _webhook_parts_problem(parts: SplitResult) -> str | None:
    host = parts.hostname
    if not host:
        return "must be an absolute URL with a host"
    if parts.username is not None or parts.password is not None:
        return "must not contain credentials"
    if parts.fragment:
        return "must not contain a fragment"
    allowed = parts.scheme == "https" or (parts.scheme == "http" and host in LOCAL_HOSTS)
    return None if allowed else "must be an https:// URL (http:// only for 127.0.0.1 or localhost)"


def check_webhook_url(v: Violations, field: str, value: str) -> bool:
    """An optional URL: empty disables the channel."""
    if not value:
        return True
    problem = _webhook_problem(value)
    if problem is not None:
        v.add(field, problem)
        return False
    return True


def check_display_name(v: Violations, field: str, value: str) -> bool:
    """An optional name to greet by: one line, no control or text-direction characters."""
    if not check_text(v, field, value, max_chars=DISPLAY_NAME_MAX_CHARS):
        return False
    if any(char in TEXT_DIRECTION_CHARS for char in value):
        v.add(field, "must not contain text-direction characters")
        return False
    return True


def _check_minute(v: Violations, field: str, value: int) -> None:
    if not 0 <= value <= MINUTES_PER_DAY:
        v.add(field, f"must be between 0 and {MINUTES_PER_DAY}")


def validate_preferences(p: Preferences, field_prefix: str = "preferences") -> None:
    """Checks every field of ``p``; raises InvalidArgument listing all violations.

    ``unsubscribed`` and ``updated_at`` are set by the service and are not checked here.
    """
    v = Violations()
    f = field_prefix
    check_pattern(
        v,
        f"{f}.student_id",
        p.student_id,
        STUDENT_ID_PATTERN,
        STUDENT_ID_DESCRIPTION,
        required=True,
    )
    check_email(v, f"{f}.email", p.email)
    check_display_name(v, f"{f}.display_name", p.display_name)
    check_webhook_url(v, f"{f}.webhook_url", p.webhook_url)
    check_pattern(v, f"{f}.locale", p.locale, LOCALE_PATTERN, LOCALE_DESCRIPTION, required=True)
    check_time_zone(v, f"{f}.time_zone", p.time_zone)
    check_enum(v, f"{f}.frequency", p.frequency, _FREQUENCIES, allow_unspecified=False)
    _check_minute(v, f"{f}.quiet_hours.start_minute", p.quiet_hours.start_minute)
    _check_minute(v, f"{f}.quiet_hours.end_minute", p.quiet_hours.end_minute)
    if not WEEKLY_BUDGET_MIN <= p.weekly_suggestion_budget <= WEEKLY_BUDGET_MAX:
        v.add(
            f"{f}.weekly_suggestion_budget",
            f"must be between {WEEKLY_BUDGET_MIN} and {WEEKLY_BUDGET_MAX}",
        )
    check_repeated(
        v, f"{f}.muted_causes", p.muted_causes, enum_item(_CAUSES), max_count=len(_CAUSES)
    )
    v.raise_if_any()
