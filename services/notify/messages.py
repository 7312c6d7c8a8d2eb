"""What a notification says, before it is rendered for a channel.

These are plain, frozen values: the notify handlers fill them from catalogue and matching
events (and the student's preferences), and :class:`services.notify.rendering.Renderer`
turns them into a subject, a plain-text part and an HTML part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "ActivityFacts",
    "Explanation",
    "MessageContext",
    "MessageKind",
    "RenderedMessage",
    "SignInMail",
    "SuggestionItem",
    "SuggestionReason",
]


class MessageKind(StrEnum):
    """The kinds of message notify sends; each has its own template."""

    SUGGESTION = "suggestion"
    DIGEST = "digest"
    ENROLMENT_CONFIRMED = "enrolment_confirmed"
    ENROLMENT_WAITLISTED = "enrolment_waitlisted"
    ENROLMENT_PROMOTED = "enrolment_promoted"
    REMINDER = "reminder"
    ACTIVITY_CANCELLED = "activity_cancelled"
    ACTIVITY_CHANGED = "activity_changed"


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """The facts of one activity a message shows.

    ``starts_at`` and ``ends_at`` must be time-zone aware (UTC as events carry them);
    ``time_zone`` is the IANA zone of the place ("Europe/Madrid"); ``causes`` are
    ``socialerasmus.common.v1.Cause`` values; ``url`` is the activity's page on the
    platform (the call to action links there when set).
    """

    activity_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    city: str
    country_code: str
    online: bool
    causes: tuple[int, ...]
    venue: str
    url: str = ""

    def __post_init__(self) -> None:
        for name, moment in (("starts_at", self.starts_at), ("ends_at", self.ends_at)):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError(f"ActivityFacts.{name} must be time-zone aware")


@dataclass(frozen=True, slots=True, kw_only=True)
class SuggestionReason:
    """One reason matching gave for a suggestion, with the facts it quotes (``Reason`` of
    ``matching.proto``): notify words it in the student's language from those facts.

    ``signal`` is matching's ("cause", "distance", ...); ``text`` its English wording, shown
    as it is for a signal notify does not know. Only the fields of the signal are set:
    ``causes`` (``Cause`` values), ``distance_km`` (``None`` when ``online``),
    ``matched_skills``, and for urgency one of ``seats_left`` and ``days_until_departure``.
    """

    signal: str
    text: str = ""
    causes: tuple[int, ...] = ()
    distance_km: float | None = None
    online: bool = False
    matched_skills: tuple[str, ...] = ()
    seats_left: int | None = None
    days_until_departure: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """Why matching suggested an activity: its reasons, then the facts told with them
    (``MatchFacts`` of ``matching.proto``).

    ``languages`` are ISO 639-1 codes the student and the activity share; ``weekday`` (1 is
    Monday, 0 unknown) and ``start_minute`` (after midnight) are the start on the student's
    clock. ``text`` is matching's English line, shown only when there is nothing structured
    to word (a suggestion from before matching sent reasons as data).
    """

    reasons: tuple[SuggestionReason, ...] = ()
    languages: tuple[str, ...] = ()
    weekday: int = 0
    start_minute: int = 0
    text: str = ""


@dataclass(frozen=True, slots=True)
class SuggestionItem:
    """One suggested activity of a digest, with matching's explanation for it."""

    activity: ActivityFacts
    explanation: Explanation = field(default_factory=Explanation)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageContext:
    """Everything a template needs for one message to one student.

    ``locale`` is a language tag as the student's preferences hold it ("pt-BR" renders
    in Portuguese, unknown ones in English). ``student_time_zone`` is an IANA zone;
    when empty or unknown, times show in the activity's zone, else in UTC.

    By kind: every kind but ``digest`` needs ``activity``; ``digest`` needs ``items``;
    ``suggestion`` may carry ``explanation``; ``activity_cancelled`` may carry
    ``reason``; ``activity_changed`` may carry ``changed_fields`` (``ActivityDetails``
    field names, as ``ActivityUpdated.changed_fields``); ``enrolment_waitlisted`` may
    carry ``waitlist_position`` (1-based, 0 when unknown).

    ``unsubscribe_url`` is empty for transactional messages, which unsubscribing does not
    stop: they link to ``manage_url`` (the student's notification settings) instead.
    ``display_name`` is the name the greeting uses (``Preferences.display_name``); empty
    greets without one.
    """

    kind: MessageKind
    student_id: str
    locale: str
    student_time_zone: str
    unsubscribe_url: str
    activity: ActivityFacts | None = None
    items: tuple[SuggestionItem, ...] = ()
    explanation: Explanation = field(default_factory=Explanation)
    reason: str = ""
    changed_fields: tuple[str, ...] = ()
    waitlist_position: int = 0
    manage_url: str = ""
    display_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInMail:
    """A sign-in link for one student, as their mail shows it: ``url`` is the whole link,
    valid for ``minutes``; ``locale`` and ``display_name`` are their preferences'."""

    url: str
    minutes: int
    locale: str
    display_name: str = ""
    manage_url: str = ""


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A message ready for a channel: e-mail uses all three, the inbox subject and text."""

    subject: str
    text: str
    html: str
