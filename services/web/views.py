"""What the pages show of the services' messages, already in the reader's language and clock.

Pure: protobuf messages in, plain frozen values out; templates only place them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.web.i18n import Translator
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as match

__all__ = [
    "ActivityView",
    "EnrolmentView",
    "activity_view",
    "enrolment_view",
    "explain",
    "zone_of",
]

_MINUTES_PER_HOUR = 60
_DAYS_PER_WEEK = 7

CAUSE_SLUGS: Final = {
    1: "culture",
    2: "education",
    3: "environment",
    4: "health",
    5: "skills",
    6: "inclusion",
}
"""CSS class of each cause's chip (ESN's colours)."""


def zone_of(*names: str) -> tzinfo:
    """The first known IANA zone of ``names``, else UTC."""
    for name in names:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return UTC


def moment(stamp: object) -> datetime:
    """A protobuf Timestamp as an aware UTC datetime."""
    seconds = getattr(stamp, "seconds", 0)
    nanos = getattr(stamp, "nanos", 0)
    return datetime.fromtimestamp(seconds + nanos / 1e9, UTC)


@dataclass(frozen=True, slots=True)
class Cause:
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class ActivityView:
    """An activity as a card or a page shows it."""

    id: str
    title: str
    description: str
    goal: str
    when: str
    local_when: str
    """At the place, when its clock differs from the reader's; else empty."""
    where: str
    online: bool
    causes: tuple[Cause, ...]
    sdgs: tuple[int, ...]
    languages: str
    organiser: str
    accessibility: str
    seats: str
    """"3 seats left", or "Full: waitlist open"."""
    full: bool
    state: int
    cancellation_reason: str
    starts_at: datetime
    ends_at: datetime

    @property
    def cancelled(self) -> bool:
        return self.state == cat.ACTIVITY_STATE_CANCELLED

    @property
    def completed(self) -> bool:
        return self.state == cat.ACTIVITY_STATE_COMPLETED

    @property
    def open(self) -> bool:
        """Published and not started: students may enrol or cancel."""
        return self.state == cat.ACTIVITY_STATE_PUBLISHED and self.starts_at > datetime.now(UTC)


def _where(location: object, t: Translator) -> str:
    if getattr(location, "online", False):
        return t("activity.online")
    parts = [p.strip() for p in (getattr(location, "venue", ""), getattr(location, "city", ""))]
    where = ", ".join(p for p in parts if p)
    country = str(getattr(location, "country_code", "")).strip().upper()
    return f"{where} ({country})" if where and country else where or country


def activity_view(activity: cat.Activity, t: Translator, zone: tzinfo) -> ActivityView:
    details = activity.details
    starts, ends = moment(details.starts_at), moment(details.ends_at)
    place = zone_of(details.time_zone)
    local_when = ""
    if (
        not details.location.online
        and starts.astimezone(place).utcoffset() != starts.astimezone(zone).utcoffset()
    ):
        local_when = t.when(starts, ends, place)
    full = activity.seats_left <= 0
    return ActivityView(
        id=activity.id,
        title=details.title.strip(),
        description=details.description.strip(),
        goal=details.goal.strip(),
        when=t.when(starts, ends, zone),
        local_when=local_when,
        where=_where(details.location, t),
        online=details.location.online,
        causes=tuple(
            Cause(t.cause(c), CAUSE_SLUGS.get(c, "other")) for c in dict.fromkeys(details.causes)
        ),
        sdgs=tuple(sorted(set(details.sdgs))),
        languages=t.and_list([t.language(code) for code in details.languages]),
        organiser=details.section_id,
        accessibility=details.accessibility_notes.strip(),
        seats=t("activity.full") if full else t.plural("activity.seats_left", activity.seats_left),
        full=full,
        state=activity.state,
        cancellation_reason=activity.cancellation_reason.strip(),
        starts_at=starts,
        ends_at=ends,
    )


@dataclass(frozen=True, slots=True)
class EnrolmentView:
    """A student's own place in an activity."""

    status: int
    waitlist_position: int
    label: str

    @property
    def confirmed(self) -> bool:
        return self.status == cat.ENROLMENT_STATUS_CONFIRMED

    @property
    def waitlisted(self) -> bool:
        return self.status == cat.ENROLMENT_STATUS_WAITLISTED


def enrolment_view(
    enrolment: cat.Enrolment, activity: cat.Activity, t: Translator
) -> EnrolmentView:
    if activity.state == cat.ACTIVITY_STATE_CANCELLED:
        label = t("status.activity_cancelled")
    elif activity.state == cat.ACTIVITY_STATE_COMPLETED:
        label = t("status.completed")
    elif enrolment.status == cat.ENROLMENT_STATUS_WAITLISTED:
        label = t("status.waitlisted", position=enrolment.waitlist_position)
    else:
        label = t("status.confirmed")
    return EnrolmentView(enrolment.status, enrolment.waitlist_position, label)


# --- Why a suggestion -----------------------------------------------------------------------


def _cause(reason: match.Reason, t: Translator) -> str | None:
    names = [t.cause(cause) for cause in reason.causes]
    return t("reason.cause", causes=t.and_list(names)) if names else None


def _skills(reason: match.Reason, t: Translator) -> str | None:
    skills = [skill.strip() for skill in reason.matched_skills if skill.strip()]
    return t("reason.skills", skills=", ".join(skills)) if skills else None


def _distance(reason: match.Reason, t: Translator) -> str | None:
    if reason.online:
        return t("reason.online")
    if not reason.HasField("distance_km"):
        return None
    return t("reason.distance", distance=t.number(reason.distance_km))


def _urgency(reason: match.Reason, t: Translator) -> str | None:
    which = reason.WhichOneof("urgency")
    if which == "days_until_departure":
        return t("reason.departure")
    if which != "seats_left":
        return None
    if reason.seats_left <= 0:
        return t("reason.full")
    return t.plural("reason.seats_left", reason.seats_left)


_WORDINGS: Final[dict[str, Callable[[match.Reason, Translator], str | None]]] = {
    "cause": _cause,
    "motivation": lambda _, t: t("reason.motivation"),
    "skills": _skills,
    "distance": _distance,
    "urgency": _urgency,
    "similar_students": lambda _, t: t("reason.similar_students"),
}
"""By ``Reason.signal``; a signal not listed, or whose facts are missing, keeps matching's
English text."""


def _reason(reason: match.Reason, t: Translator) -> str:
    wording = _WORDINGS.get(reason.signal)
    phrase = None if wording is None else wording(reason, t)
    return reason.text.strip() if phrase is None else phrase


def _facts(facts: match.MatchFacts, t: Translator) -> Iterable[str]:
    if facts.shared_languages:
        names = [t.language(code) for code in facts.shared_languages]
        yield t("fact.languages", languages=t.and_list(names))
    if 1 <= facts.weekday <= _DAYS_PER_WEEK:
        hours, minutes = divmod(facts.start_minute, _MINUTES_PER_HOUR)
        yield t("fact.start", weekday=t.weekday(facts.weekday), time=f"{hours:02d}:{minutes:02d}")


def explain(recommendation: match.Recommendation, t: Translator) -> list[str]:
    """The reasons, then the facts, each as one phrase in the reader's language."""
    phrases = [_reason(reason, t) for reason in recommendation.reasons]
    phrases += _facts(recommendation.facts, t)
    worded = [phrase for phrase in phrases if phrase]
    return worded or ([recommendation.explanation] if recommendation.explanation else [])
