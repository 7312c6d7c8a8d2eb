"""Words matching uses when it explains a suggestion, in ESN's own terms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final

from services.kernel.causes import CAUSE_LABELS
from services.kernel.languages import language_name
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "REASON_SIGNALS",
    "WEEKDAY_NAMES",
    "explanation",
    "fact_texts",
    "reason_text",
]

WEEKDAY_NAMES: Final[dict[int, str]] = {
    matching_pb2.WEEKDAY_MONDAY: "Monday",
    matching_pb2.WEEKDAY_TUESDAY: "Tuesday",
    matching_pb2.WEEKDAY_WEDNESDAY: "Wednesday",
    matching_pb2.WEEKDAY_THURSDAY: "Thursday",
    matching_pb2.WEEKDAY_FRIDAY: "Friday",
    matching_pb2.WEEKDAY_SATURDAY: "Saturday",
    matching_pb2.WEEKDAY_SUNDAY: "Sunday",
}
"""By Weekday value, which is also ``datetime.isoweekday()``."""

REASON_SIGNALS: Final[dict[str, str]] = {
    "cause": "cause",
    "motivation": "motivation",
    "skills": "skills",
    "proximity": "distance",
    "urgency": "urgency",
    "similar_students": "similar_students",
}
"""``Reason.signal`` for each scored signal of :data:`services.matching.signals.SIGNALS`.

The hard filters an activity passed are no reasons: its languages and start are told as
``MatchFacts`` (:func:`fact_texts`).
"""

# --- English texts of reasons and facts ---------------------------------------------------
# Each text is worded from the structured fields alone, as notify words them in the other
# languages, so the English line never says more than a client can.


def _and_list(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _cause_text(reason: matching_pb2.Reason) -> str:
    names = [CAUSE_LABELS[c] for c in reason.causes if c in CAUSE_LABELS]
    return f"{_and_list(names)}, like you asked"


def _motivation_text(_: matching_pb2.Reason) -> str:
    return "close to your motivation"


def _skills_text(reason: matching_pb2.Reason) -> str:
    return "matches your skills: " + ", ".join(reason.matched_skills)


def _distance_text(reason: matching_pb2.Reason) -> str:
    if reason.online or not reason.HasField("distance_km"):
        return "online"
    return f"{reason.distance_km:.1f} km away"


def _urgency_text(reason: matching_pb2.Reason) -> str:
    if reason.WhichOneof("urgency") == "days_until_departure":
        return "one of your last chances before you leave"
    seats = reason.seats_left
    if seats <= 0:
        return "full, waitlist open"
    return "1 seat left" if seats == 1 else f"{seats} seats left"


def _similar_students_text(_: matching_pb2.Reason) -> str:
    return "students like you joined"


_REASON_TEXTS: Final[dict[str, Callable[[matching_pb2.Reason], str]]] = {
    "cause": _cause_text,
    "motivation": _motivation_text,
    "skills": _skills_text,
    "distance": _distance_text,
    "urgency": _urgency_text,
    "similar_students": _similar_students_text,
}


def reason_text(reason: matching_pb2.Reason) -> str:
    """The English text of a reason, from its signal and facts; ``text`` as it is for a
    signal without one here."""
    wording = _REASON_TEXTS.get(reason.signal)
    return reason.text if wording is None else wording(reason)


def fact_texts(facts: matching_pb2.MatchFacts) -> list[str]:
    """The activity's shared languages and start, in English: ["in English and Spanish",
    "Wednesday 10:30"]; a fact not set is left out."""
    texts = []
    if facts.shared_languages:
        texts.append("in " + _and_list([language_name(c) for c in facts.shared_languages]))
    if facts.weekday in WEEKDAY_NAMES:
        hours, minutes = divmod(facts.start_minute, 60)
        texts.append(f"{WEEKDAY_NAMES[facts.weekday]} {hours:02d}:{minutes:02d}")
    return texts


def explanation(
    reasons: Iterable[matching_pb2.Reason], facts: matching_pb2.MatchFacts | None = None
) -> str:
    """The reasons' texts, then the facts, in one line ("; " between)."""
    texts = [reason.text for reason in reasons]
    return "; ".join(texts + ([] if facts is None else fact_texts(facts)))
