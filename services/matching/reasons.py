"""The reasons of a recommendation in ESN terms: for each signal that made up the score, the
facts it quotes (causes, distance, skills, seats...), and the facts every suggestion shares
(its languages and start on the student's clock), so that notify can word them in the
student's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from google.protobuf.internal.containers import RepeatedCompositeFieldContainer

from services.matching.hard_filters import distances_km
from services.matching.index import ActivityIndex, Rows
from services.matching.local_time import DAY_SECONDS, local_seconds
from services.matching.signal_values import departure_nearness, scarcity
from services.matching.signals import SIGNALS, Weights
from services.matching.student import Student
from services.matching.vocabulary import REASON_SIGNALS, reason_text
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "REASON_MIN_CONTRIBUTION",
    "Pair",
    "StudentMatch",
    "add_reasons",
    "pairs_of",
    "write_match_facts",
]

REASON_MIN_CONTRIBUTION = 0.01
"""A signal must add more than this to the score to be given as a reason."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One student and one activity, with the facts their reasons quote."""

    student: Student
    index: ActivityIndex
    activity: catalogue_pb2.Activity
    distance_km: float
    """NaN when online."""
    scarcity: float
    departure_nearness: float
    local_start: int
    """The start on the student's clock, in seconds since 1970-01-01 00:00."""


def pairs_of(student: Student, index: ActivityIndex, rows: Rows) -> list[Pair]:
    """The pairs of ``student`` with each row, their facts computed together."""
    columns = index.columns
    facts = zip(
        rows.tolist(),
        distances_km(columns, rows, student.origin).tolist(),
        scarcity(columns, rows).tolist(),
        departure_nearness(columns, rows, student.departure).tolist(),
        local_seconds(columns.starts[rows], student.time_zone).tolist(),
        strict=True,
    )
    return [
        Pair(student, index, index.activity_at(row), distance, scarcity, nearness, local_start)
        for row, distance, scarcity, nearness, local_start in facts
    ]


# Each fills the fields of its signal's reason (see Reason in matching.proto); the English
# text is worded from those fields by services.matching.vocabulary.reason_text.


def _cause_facts(pair: Pair, reason: matching_pb2.Reason) -> None:
    """The causes the signal took its value from: those of the student's strongest interest
    among the activity's causes (several only when interests tie)."""
    interests = pair.student.interests
    causes = list(dict.fromkeys(pair.activity.details.causes))
    strongest = max(interests.get(c, 0.0) for c in causes)
    reason.causes.extend(c for c in causes if interests.get(c, 0.0) == strongest)


def _no_facts(pair: Pair, reason: matching_pb2.Reason) -> None:
    """Motivation and similar students: the signal's value is all there is to tell."""


def _skills_facts(pair: Pair, reason: matching_pb2.Reason) -> None:
    had = set(pair.student.skill_ids.tolist())
    wanted = pair.activity.details.skills_wanted
    reason.matched_skills.extend(skill for skill in wanted if pair.index.skill_id(skill) in had)


def _distance_facts(pair: Pair, reason: matching_pb2.Reason) -> None:
    if pair.activity.details.location.online:
        reason.online = True
    else:
        reason.distance_km = pair.distance_km


def _urgency_facts(pair: Pair, reason: matching_pb2.Reason) -> None:
    departure = pair.student.departure
    if pair.scarcity < pair.departure_nearness and departure is not None:
        ends = pair.activity.details.ends_at.seconds
        reason.days_until_departure = max(departure - ends, 0) // DAY_SECONDS
    else:
        reason.seats_left = max(pair.activity.seats_left, 0)


_REASON_FACTS: dict[str, Callable[[Pair, matching_pb2.Reason], None]] = {
    "cause": _cause_facts,
    "motivation": _no_facts,
    "skills": _skills_facts,
    "proximity": _distance_facts,
    "urgency": _urgency_facts,
    "similar_students": _no_facts,
}


def add_reasons(
    reasons: RepeatedCompositeFieldContainer[matching_pb2.Reason],
    pair: Pair,
    signals: Sequence[float],
    weights: Weights,
) -> None:
    """Adds the scored signals that added more than REASON_MIN_CONTRIBUTION, largest first
    (ties in the order of SIGNALS), each with the facts it quotes and its English text.

    ``signals``: the pair's value of each signal of SIGNALS, as Python floats (for six numbers,
    plain arithmetic is several times faster than numpy's)."""
    contributions = [weight * value for weight, value in zip(weights.listed, signals, strict=True)]
    for position in sorted(range(len(contributions)), key=contributions.__getitem__, reverse=True):
        contribution = contributions[position]
        if contribution <= REASON_MIN_CONTRIBUTION:
            break
        name = SIGNALS[position]
        reason = reasons.add(
            signal=REASON_SIGNALS[name], contribution=contribution, value=signals[position]
        )
        _REASON_FACTS[name](pair, reason)
        reason.text = reason_text(reason)


def write_match_facts(facts: matching_pb2.MatchFacts, pair: Pair) -> None:
    """The languages the activity passed the language filter with, and its start on the
    student's clock."""
    student = pair.student
    days, seconds_of_day = divmod(pair.local_start, DAY_SECONDS)
    facts.shared_languages.extend(
        code for code in pair.activity.details.languages if code in student.language_codes
    )
    # 1970-01-01 was a Thursday, ISO weekday 4 (Monday is 1, as in Weekday)
    facts.weekday = matching_pb2.Weekday.ValueType((days + 3) % 7 + 1)
    facts.start_minute = seconds_of_day // 60
    facts.time_zone = student.time_zone


class StudentMatch(NamedTuple):
    """A student an activity suits, as reverse matching finds them."""

    student_id: str
    score: float
    reasons: list[matching_pb2.Reason]
    facts: matching_pb2.MatchFacts
