"""What notify does with one incoming fact for one student. Pure: no I/O, no clock.

A handler reads the student's :class:`Preferences`, calls :func:`plan_suggestion` or
:func:`plan_transactional` with the event's facts and the current time, and then acts on the
:class:`Plan`: dedupe on ``natural_key``, skip with ``skip_reason``, add a suggestion to the
student's digest, or schedule a delivery on ``channels`` at ``send_at``.

Rules:

* Suggestions honour everything: unsubscribe, muted causes, the digest frequency, the weekly
  budget (``uses_budget``) and quiet hours.
* Transactional messages (enrolment confirmed / waitlisted / promoted, reminder, activity
  cancelled / changed) ignore unsubscribe, muted causes and the digest frequency, but still
  wait for the end of quiet hours.
* Every plan without a channel is skipped.

Times are UTC-aware ``datetime`` values; wall-clock rules (quiet hours, 18:00 digests) use
the student's IANA time zone, UTC when it is empty or unknown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.notify.messages import MessageKind
from services.notify.quiet_hours import next_allowed
from socialerasmus.notify.v1.notify_pb2 import Frequency, Preferences

__all__ = [
    "CHANNEL_EMAIL",
    "CHANNEL_IN_APP",
    "CHANNEL_WEBHOOK",
    "DIGEST_HOUR",
    "SKIP_CAUSE_MUTED",
    "SKIP_NO_CHANNEL",
    "SKIP_UNSUBSCRIBED",
    "TRANSACTIONAL_KINDS",
    "Plan",
    "channels_for",
    "digest_key",
    "natural_key",
    "next_digest_time",
    "plan_suggestion",
    "plan_transactional",
    "reminder_time",
    "send_time",
    "student_zone",
]

CHANNEL_IN_APP: Final = "in_app"
CHANNEL_EMAIL: Final = "email"
CHANNEL_WEBHOOK: Final = "webhook"

SKIP_UNSUBSCRIBED: Final = "unsubscribed"
SKIP_CAUSE_MUTED: Final = "cause muted"
SKIP_NO_CHANNEL: Final = "no channel"

TRANSACTIONAL_KINDS: Final = frozenset(
    {
        MessageKind.ENROLMENT_CONFIRMED,
        MessageKind.ENROLMENT_WAITLISTED,
        MessageKind.ENROLMENT_PROMOTED,
        MessageKind.REMINDER,
        MessageKind.ACTIVITY_CANCELLED,
        MessageKind.ACTIVITY_CHANGED,
    }
)

DIGEST_HOUR: Final = time(18, 0)
_SUNDAY: Final = 6  # date.weekday()
_REMINDER_LEAD: Final = timedelta(hours=24)
_LATE_REMINDER_LEAD: Final = timedelta(hours=2)
_DIGEST_FREQUENCIES: Final = frozenset(
    {Frequency.FREQUENCY_DAILY_DIGEST, Frequency.FREQUENCY_WEEKLY_DIGEST}
)


@dataclass(frozen=True, slots=True)
class Plan:
    """The decision for one fact and one student.

    ``natural_key`` identifies the fact (student x activity x kind x edition): the same fact
    redelivered gives the same key, so the handler dedupes on it. ``send_at`` is UTC: ``now``,
    the end of quiet hours, or (for a digest) when the digest goes out. ``digest`` means
    "collect into the student's digest, do not send alone". ``uses_budget`` means the plan
    counts against the weekly suggestion budget. A non-empty ``skip_reason`` means nothing
    is sent (and ``channels`` is then empty).
    """

    natural_key: str
    kind: MessageKind
    channels: tuple[str, ...]
    send_at: datetime
    digest: bool = False
    uses_budget: bool = False
    skip_reason: str = ""

    @property
    def skipped(self) -> bool:
        return bool(self.skip_reason)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("times must be time-zone aware")
    return now.astimezone(UTC)


def student_zone(prefs: Preferences) -> str:
    """The student's zone, UTC when empty or unknown (a planner never fails on it)."""
    name = prefs.time_zone or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def _wall(minute: int) -> time:
    hour, minute = divmod(minute % (24 * 60), 60)
    return time(hour, minute)


def natural_key(student_id: str, activity_id: str, kind: MessageKind, edition: str) -> str:
    """``student:activity:kind:edition``; the same fact always gives the same key."""
    return f"{student_id}:{activity_id}:{kind.value}:{edition}"


def digest_key(student_id: str, activity_ids: Iterable[str]) -> str:
    """The natural key of a digest: the same suggestions make the same digest."""
    content = hashlib.sha256("\n".join(sorted(activity_ids)).encode()).hexdigest()[:16]
    return natural_key(student_id, "", MessageKind.DIGEST, content)


def channels_for(prefs: Preferences) -> tuple[str, ...]:
    """The enabled channels: e-mail if an address is set, webhook if a URL is, in-app if on."""
    channels: list[str] = []
    if prefs.email:
        channels.append(CHANNEL_EMAIL)
    if prefs.webhook_url:
        channels.append(CHANNEL_WEBHOOK)
    if prefs.in_app:
        channels.append(CHANNEL_IN_APP)
    return tuple(channels)


def send_time(prefs: Preferences, now: datetime) -> datetime:
    """``now`` (UTC), or the end of the student's quiet hours when ``now`` falls inside."""
    quiet = prefs.quiet_hours
    return next_allowed(
        _utc(now), student_zone(prefs), _wall(quiet.start_minute), _wall(quiet.end_minute)
    )


def next_digest_time(prefs: Preferences, now: datetime) -> datetime:
    """When the student's next digest goes out, in UTC, strictly after ``now``.

    Daily digests go at 18:00 in the student's zone, weekly ones on Sunday at 18:00 (any
    other frequency is treated as daily); the result is then pushed out of quiet hours.
    """
    current = _utc(now)
    zone = ZoneInfo(student_zone(prefs))
    day = current.astimezone(zone).date()
    weekly = prefs.frequency == Frequency.FREQUENCY_WEEKLY_DIGEST
    if weekly:
        day += timedelta(days=(_SUNDAY - day.weekday()) % 7)
    step = timedelta(days=7 if weekly else 1)
    while True:
        candidate = datetime.combine(day, DIGEST_HOUR, tzinfo=zone).astimezone(UTC)
        if candidate > current:
            return send_time(prefs, candidate)
        day += step


def reminder_time(starts_at: datetime, now: datetime) -> datetime | None:
    """When to remind a student enrolled at ``now`` of an activity starting at ``starts_at``.

    24 hours before the start; 2 hours before when that moment has already passed (the
    student enrolled less than 24 hours ahead), or right away when even that has passed;
    ``None`` once the activity has started.
    """
    start, current = _utc(starts_at), _utc(now)
    if current >= start:
        return None
    early = start - _REMINDER_LEAD
    if early >= current:
        return early
    return max(start - _LATE_REMINDER_LEAD, current)


def _skip(key: str, kind: MessageKind, now: datetime, reason: str) -> Plan:
    return Plan(natural_key=key, kind=kind, channels=(), send_at=now, skip_reason=reason)


def plan_suggestion(  # noqa: PLR0917  (positional, the signature the handlers use)
    prefs: Preferences,
    student_id: str,
    activity_id: str,
    causes: Iterable[int],
    edition: str,
    now: datetime,
) -> Plan:
    """The plan for a ``SuggestionCreated``: skipped, collected into a digest, or sent.

    Skipped when the student unsubscribed, when any of the activity's ``causes``
    (``socialerasmus.common.v1.Cause`` values) is muted, or when no channel is enabled.
    With a daily or weekly digest frequency the suggestion is collected (``digest``) and
    ``send_at`` is the next digest time; otherwise it is sent at ``now`` or after quiet
    hours. Suggestions that are not skipped count against the weekly budget.
    """
    current = _utc(now)
    kind = MessageKind.SUGGESTION
    key = natural_key(student_id, activity_id, kind, edition)
    if prefs.unsubscribed:
        return _skip(key, kind, current, SKIP_UNSUBSCRIBED)
    muted = set(prefs.muted_causes)
    if any(cause in muted for cause in causes):
        return _skip(key, kind, current, SKIP_CAUSE_MUTED)
    channels = channels_for(prefs)
    if not channels:
        return _skip(key, kind, current, SKIP_NO_CHANNEL)
    if prefs.frequency in _DIGEST_FREQUENCIES:
        return Plan(
            natural_key=key,
            kind=kind,
            channels=channels,
            send_at=next_digest_time(prefs, current),
            digest=True,
            uses_budget=True,
        )
    return Plan(
        natural_key=key,
        kind=kind,
        channels=channels,
        send_at=send_time(prefs, current),
        uses_budget=True,
    )


def plan_transactional(  # noqa: PLR0917  (positional, the signature the handlers use)
    prefs: Preferences,
    kind: MessageKind,
    student_id: str,
    activity_id: str,
    edition: str,
    now: datetime,
) -> Plan:
    """The plan for a transactional message (enrolment, reminder, activity change).

    Sent even to unsubscribed students and whatever their causes or frequency; waits for
    the end of quiet hours; skipped only when no channel is enabled. ``kind`` must be one
    of :data:`TRANSACTIONAL_KINDS` (``ValueError`` otherwise).
    """
    if kind not in TRANSACTIONAL_KINDS:
        raise ValueError(f"{kind.value} is not a transactional kind")
    current = _utc(now)
    key = natural_key(student_id, activity_id, kind, edition)
    channels = channels_for(prefs)
    if not channels:
        return _skip(key, kind, current, SKIP_NO_CHANNEL)
    return Plan(natural_key=key, kind=kind, channels=channels, send_at=send_time(prefs, current))
