"""Scheduled work of notify: what is to be said (a :class:`Notice`) and when (a :class:`Job`).

A job is either a delivery on one channel (``channel`` set) or a timer (``channel`` empty):
a reminder or a digest that becomes delivery jobs when it is due, with the preferences and
activity facts of that moment. Jobs are stored as JSON in Redis
(:mod:`services.notify.schedule`); :func:`encode_job` and :func:`decode_job` are exact
inverses, and a job that changes (a retry, a moved reminder) changes its encoding, which the
schedule uses to tell a claimed job from one rewritten meanwhile.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from services.notify.messages import (
    ActivityFacts,
    Explanation,
    MessageKind,
    SuggestionItem,
    SuggestionReason,
)

__all__ = [
    "Job",
    "Notice",
    "decode_item",
    "decode_job",
    "digest_timer_id",
    "encode_item",
    "encode_job",
    "reminder_timer_id",
]

_FORMAT: Final = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """What one message says, independent of channel, language and time zone."""

    kind: MessageKind
    student_id: str
    activity_id: str = ""
    activity: ActivityFacts | None = None
    items: tuple[SuggestionItem, ...] = ()
    explanation: Explanation = field(default_factory=Explanation)
    reason: str = ""
    changed_fields: tuple[str, ...] = ()
    waitlist_position: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One entry of the schedule.

    ``job_id`` is unique in the schedule: ``<message id>:<channel>`` for a delivery,
    :func:`reminder_timer_id` or :func:`digest_timer_id` for a timer (so scheduling the
    same timer twice replaces it). ``natural_key`` is the dedupe key of the message;
    timers get theirs when they become due. ``attempts`` counts delivery attempts made.
    """

    job_id: str
    notice: Notice
    channel: str = ""
    message_id: str = ""
    natural_key: str = ""
    attempts: int = 0
    created_ms: int = 0
    traceparent: str = ""
    """The trace of the fact that made the job, continued when it is handled."""
    due_ms: int = 0
    """When it was scheduled for (set by the schedule; a lease moves the job's score, not
    this), so a listing tells a message held by quiet hours from one being sent."""

    @property
    def student_id(self) -> str:
        return self.notice.student_id

    @property
    def is_timer(self) -> bool:
        return not self.channel

    def retried(self) -> Job:
        return replace(self, attempts=self.attempts + 1)


def reminder_timer_id(student_id: str, activity_id: str) -> str:
    return f"reminder:{student_id}:{activity_id}"


def digest_timer_id(student_id: str) -> str:
    return f"digest:{student_id}"


def _facts_to_json(facts: ActivityFacts) -> dict[str, Any]:
    return {
        "id": facts.activity_id,
        "title": facts.title,
        "starts_at": facts.starts_at.isoformat(),
        "ends_at": facts.ends_at.isoformat(),
        "time_zone": facts.time_zone,
        "city": facts.city,
        "country_code": facts.country_code,
        "online": facts.online,
        "causes": list(facts.causes),
        "venue": facts.venue,
        "url": facts.url,
    }


def _facts_from_json(raw: dict[str, Any]) -> ActivityFacts:
    return ActivityFacts(
        activity_id=raw["id"],
        title=raw["title"],
        starts_at=datetime.fromisoformat(raw["starts_at"]),
        ends_at=datetime.fromisoformat(raw["ends_at"]),
        time_zone=raw["time_zone"],
        city=raw["city"],
        country_code=raw["country_code"],
        online=raw["online"],
        causes=tuple(raw["causes"]),
        venue=raw["venue"],
        url=raw["url"],
    )


def _reason_to_json(reason: SuggestionReason) -> dict[str, Any]:
    return asdict(reason)  # tuples become JSON lists


def _reason_from_json(raw: dict[str, Any]) -> SuggestionReason:
    return SuggestionReason(
        **{**raw, "causes": tuple(raw["causes"]), "matched_skills": tuple(raw["matched_skills"])}
    )


def _explanation_to_json(explanation: Explanation) -> dict[str, Any]:
    return {
        "reasons": [_reason_to_json(reason) for reason in explanation.reasons],
        "languages": list(explanation.languages),
        "weekday": explanation.weekday,
        "start_minute": explanation.start_minute,
        "text": explanation.text,
    }


def _explanation_from_json(raw: dict[str, Any] | str) -> Explanation:
    """Jobs and digest items stored before reasons came as data hold the English line."""
    if isinstance(raw, str):
        return Explanation(text=raw)
    return Explanation(
        reasons=tuple(_reason_from_json(reason) for reason in raw["reasons"]),
        languages=tuple(raw["languages"]),
        weekday=raw["weekday"],
        start_minute=raw["start_minute"],
        text=raw["text"],
    )


def _item_to_json(item: SuggestionItem) -> dict[str, Any]:
    return {
        "activity": _facts_to_json(item.activity),
        "explanation": _explanation_to_json(item.explanation),
    }


def _item_from_json(raw: dict[str, Any]) -> SuggestionItem:
    return SuggestionItem(
        _facts_from_json(raw["activity"]), _explanation_from_json(raw["explanation"])
    )


def _notice_to_json(notice: Notice) -> dict[str, Any]:
    return {
        "kind": notice.kind.value,
        "student": notice.student_id,
        "activity_id": notice.activity_id,
        "activity": None if notice.activity is None else _facts_to_json(notice.activity),
        "items": [_item_to_json(item) for item in notice.items],
        "explanation": _explanation_to_json(notice.explanation),
        "reason": notice.reason,
        "changed_fields": list(notice.changed_fields),
        "waitlist_position": notice.waitlist_position,
    }


def _notice_from_json(raw: dict[str, Any]) -> Notice:
    activity = raw["activity"]
    return Notice(
        kind=MessageKind(raw["kind"]),
        student_id=raw["student"],
        activity_id=raw["activity_id"],
        activity=None if activity is None else _facts_from_json(activity),
        items=tuple(_item_from_json(item) for item in raw["items"]),
        explanation=_explanation_from_json(raw["explanation"]),
        reason=raw["reason"],
        changed_fields=tuple(raw["changed_fields"]),
        waitlist_position=raw["waitlist_position"],
    )


def encode_job(job: Job) -> str:
    return json.dumps(
        {
            "v": _FORMAT,
            "id": job.job_id,
            "notice": _notice_to_json(job.notice),
            "channel": job.channel,
            "message_id": job.message_id,
            "key": job.natural_key,
            "attempts": job.attempts,
            "created_ms": job.created_ms,
            "trace": job.traceparent,
            "due": job.due_ms,
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def decode_job(text: str | bytes) -> Job:
    raw = json.loads(text)
    if raw.get("v") != _FORMAT:
        raise ValueError(f"unknown job format {raw.get('v')!r}")
    return Job(
        job_id=raw["id"],
        notice=_notice_from_json(raw["notice"]),
        channel=raw["channel"],
        message_id=raw["message_id"],
        natural_key=raw["key"],
        attempts=raw["attempts"],
        created_ms=raw["created_ms"],
        traceparent=raw.get("trace", ""),
        due_ms=raw.get("due", 0),  # absent in jobs stored before it was kept
    )


def encode_item(item: SuggestionItem) -> str:
    """A suggestion waiting in a digest, as stored in the student's digest hash."""
    return json.dumps(_item_to_json(item), separators=(",", ":"), sort_keys=True)


def decode_item(text: str | bytes) -> SuggestionItem:
    return _item_from_json(json.loads(text))
