"""Ranking activities for a student, and students for an activity. Pure: no I/O, no clock.

A recommendation goes through five steps:

1. candidates: physical activities in the grid cells within the student's reach, and every
   online activity (:meth:`ActivityIndex.candidates_near`);
2. hard filters, each a small function over index columns returning a mask; the rows narrow
   after each;
3. signals in [0, 1], one column per name of :data:`SIGNALS`, and the score, their weighted
   sum, for every candidate left: the motivation's BM25 relevance too, read from the postings
   of its words, so no activity is out of reach of what a student writes;
4. diversity: maximal marginal relevance across ESN causes;
5. reasons in ESN terms, for the signals that made up the score, each with the facts it
   quotes (causes, distance, skills, seats...), and the facts every suggestion shares (its
   languages and start on the student's clock) apart, so that notify can word them in the
   student's language.
"""

from __future__ import annotations

import calendar
import functools
import math
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

import numpy as np
from google.protobuf.internal.containers import RepeatedCompositeFieldContainer
from numpy.typing import NDArray

from services.kernel import geo
from services.kernel.sections import Section, load_sections
from services.matching.collaborative import KeyedScores
from services.matching.index import (
    UNKNOWN,
    ActivityColumns,
    ActivityIndex,
    Rows,
    cause_bits,
    sdg_bits,
)
from services.matching.signals import SIGNALS, Weights
from services.matching.text import Query
from services.matching.vocabulary import REASON_SIGNALS, explanation, reason_text
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1 import common_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "MIN_LANGUAGE_LEVEL",
    "MMR_LAMBDA",
    "Ranker",
    "SectionDirectory",
    "StudentMatch",
    "cause_signal",
    "distances_km",
    "diversify",
    "has_any_cause",
    "has_any_sdg",
    "has_not_started",
    "has_seats",
    "in_week_edition",
    "is_online",
    "is_published",
    "local_seconds",
    "motivation_signal",
    "not_excluded",
    "proximity_signal",
    "relevance_ranks",
    "shares_language",
    "similar_students_signal",
    "skills_signal",
    "starts_between",
    "urgency_signal",
    "within_distance",
    "within_mobility_period",
    "within_weekly_availability",
]

Mask = NDArray[np.bool_]
Values = NDArray[np.float64]

MIN_LANGUAGE_LEVEL = matching_pb2.LANGUAGE_LEVEL_A2
"""A language the student speaks at this level or better counts as a shared language."""
MMR_LAMBDA = 0.7
"""Weight of relevance against novelty of causes when diversifying."""
ONLINE_PROXIMITY = 0.5
"""Proximity of an online activity: neither near nor far."""
DEPARTURE_HORIZON_DAYS = 60
"""An activity ending this many days or more before the student leaves is not urgent."""
REASON_MIN_CONTRIBUTION = 0.01
"""A signal must add more than this to the score to be given as a reason."""

_DAY = 86_400
_YEAR_STARTS = (
    np.arange("1970", "10000", dtype="datetime64[Y]").astype("datetime64[s]").astype(np.int64)
)
"""Epoch seconds of 1 January 00:00 UTC of every year a Timestamp may hold, from 1970."""
_WEEK = 7 * _DAY
_THURSDAY_TO_MONDAY = 3 * _DAY
"""1970-01-01 was a Thursday: shifted by three days, epoch weeks start on Mondays."""
_BYTES_WITH_BIT = (np.arange(256)[None, :] >> np.arange(8)[:, None]) & 1
"""Row ``c``: 1 for every byte (cause mask) with bit ``c`` set, else 0."""
_UTC = "UTC"

Check = Callable[[Rows], Mask]


class SectionDirectory(Protocol):
    """Finds an ESN section by id (a ``dict[str, Section]`` is one)."""

    def get(self, section_id: str, /) -> Section | None: ...


@functools.cache
def _real_sections() -> dict[str, Section]:
    return {section.section_id: section for section in load_sections()}


# --- Local time -------------------------------------------------------------------------------


def _utc_offset(zone: ZoneInfo, epoch: int) -> int:
    offset = datetime.fromtimestamp(epoch, zone).utcoffset() or timedelta()
    return int(offset.total_seconds())


def _change_instant(zone: ZoneInfo, low: int, high: int) -> int:
    """The first second after ``low`` with another UTC offset than ``low``; ``high`` has one."""
    offset = _utc_offset(zone, low)
    while high - low > 1:
        middle = (low + high) // 2
        if _utc_offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


@functools.lru_cache(maxsize=1024)
def _offset_changes(time_zone: str, year: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Instants (epoch seconds) in ``year`` from which the zone's UTC offset holds, with those
    offsets; the first is the start of the year. Found day by day, then to the second."""
    zone = ZoneInfo(time_zone)
    start = calendar.timegm((year, 1, 1, 0, 0, 0))
    end = calendar.timegm((year + 1, 1, 1, 0, 0, 0))
    instants, offsets = [start], [_utc_offset(zone, start)]
    before = start
    for probe in [*range(start + _DAY, end, _DAY), end - 1]:
        offset = _utc_offset(zone, probe)
        if offset != offsets[-1]:
            instants.append(_change_instant(zone, before, probe))
            offsets.append(offset)
        before = probe
    return np.array(instants, np.int64), np.array(offsets, np.int64)


def local_seconds(epochs: NDArray[np.int64], time_zone: str) -> NDArray[np.int64]:
    """Wall-clock time in ``time_zone`` of each instant, as seconds since 1970-01-01 00:00.

    Offsets come from per-year tables of the years between the earliest and the latest
    instant, so keep the instants of one call within a few years of each other.
    """
    if epochs.size == 0:
        return epochs.copy()
    first, last = np.searchsorted(_YEAR_STARTS, [epochs.min(), epochs.max()], side="right") - 1
    tables = [_offset_changes(time_zone, 1970 + year) for year in range(first, last + 1)]
    instants = np.concatenate([instants for instants, _ in tables])
    offsets = np.concatenate([offsets for _, offsets in tables])
    changes = np.searchsorted(instants, epochs, side="right") - 1
    shifted: NDArray[np.int64] = epochs + offsets[changes]
    return shifted


# --- The student ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Student:
    """A profile, turned once into what the filters and signals of one index need."""

    profile: matching_pb2.VolunteerProfile
    origin: tuple[float, float] | None
    """Where distances are measured from; None when neither home nor host section is known."""
    interests: dict[int, float]
    cause_table: Values
    """Best interest among the causes of each :func:`cause_bits` mask (256 entries)."""
    language_codes: frozenset[str]
    """Languages spoken at MIN_LANGUAGE_LEVEL or better."""
    language_sets_shared: Mask
    """For each language set of the index: does the student speak one of its languages?"""
    skill_ids: NDArray[np.int32]
    skill_sets_share: Values
    """For each skill set of the index: the share of its skills the student has."""
    motivation: Query
    arrival: int | None
    departure: int | None
    time_zone: str


def _student(
    profile: matching_pb2.VolunteerProfile, index: ActivityIndex, sections: SectionDirectory
) -> _Student:
    interests: dict[int, float] = {i.cause: min(max(i.weight, 0.0), 1.0) for i in profile.interests}
    codes = frozenset(s.code for s in profile.languages if s.level >= MIN_LANGUAGE_LEVEL)
    skill_ids = index.skills_covered_by(profile.skills)
    return _Student(
        profile=profile,
        origin=_origin(profile, sections),
        interests=interests,
        cause_table=_cause_table(interests),
        language_codes=codes,
        language_sets_shared=_sets_sharing(
            index.language_sets, [index.language_id(code) for code in codes]
        ),
        skill_ids=skill_ids,
        skill_sets_share=_sets_share(index.skill_sets, skill_ids),
        motivation=index.encoder.query(profile.motivation),
        arrival=profile.arrival.seconds if profile.HasField("arrival") else None,
        departure=profile.departure.seconds if profile.HasField("departure") else None,
        time_zone=profile.time_zone or _UTC,
    )


def _origin(
    profile: matching_pb2.VolunteerProfile, sections: SectionDirectory
) -> tuple[float, float] | None:
    if profile.HasField("home_location"):
        return profile.home_location.latitude, profile.home_location.longitude
    section = sections.get(profile.host_section_id)
    return None if section is None else (section.latitude, section.longitude)


def _cause_table(interests: Mapping[int, float]) -> Values:
    table = np.zeros(256)
    for cause, weight in interests.items():
        np.maximum(table, _BYTES_WITH_BIT[cause] * weight, out=table)
    return table


def _sets_sharing(members: NDArray[np.int32], ids: Sequence[int]) -> Mask:
    """For each row of ``members`` (an id set, UNKNOWN padding): does it hold one of ``ids``?"""
    shared = np.zeros(members.shape[0], np.bool_)
    for member in ids:
        if member != UNKNOWN:
            shared |= (members == member).any(axis=1)
    return shared


def _sets_share(members: NDArray[np.int32], ids: NDArray[np.int32]) -> Values:
    """For each row of ``members`` (an id set, UNKNOWN padding): the share of it in ``ids``."""
    sizes = (members != UNKNOWN).sum(axis=1)
    held = np.zeros(members.shape[0])
    for member in ids.tolist():
        held += (members == member).any(axis=1)
    share: Values = np.divide(held, sizes, out=held, where=sizes > 0)
    return share


# --- Hard filters -----------------------------------------------------------------------------


def is_published(columns: ActivityColumns, rows: Rows) -> Mask:
    return columns.published[rows]


def has_not_started(columns: ActivityColumns, rows: Rows, now: int) -> Mask:
    return columns.starts[rows] > now


def has_seats(columns: ActivityColumns, rows: Rows, accept_waitlist: bool) -> Mask:
    """Seats left, or any activity when the student accepts a waitlist: the catalogue waitlists
    every enrolment beyond capacity until the activity starts, so every full activity that has
    passed :func:`is_published` and :func:`has_not_started` has an open waitlist."""
    if accept_waitlist:
        return np.ones(rows.size, np.bool_)
    return columns.seats_left[rows] > 0


def within_mobility_period(
    columns: ActivityColumns, rows: Rows, arrival: int | None, departure: int | None
) -> Mask:
    """Starts at or after arrival and ends by departure; an unset bound does not restrict."""
    mask = np.ones(rows.size, np.bool_)
    if arrival is not None:
        mask &= columns.starts[rows] >= arrival
    if departure is not None:
        mask &= columns.ends[rows] <= departure
    return mask


def within_weekly_availability(
    columns: ActivityColumns,
    rows: Rows,
    slots: Sequence[matching_pb2.AvailabilitySlot],
    time_zone: str,
) -> Mask:
    """Start to end, on the student's clock, fits inside one slot; no slots means any time."""
    if not slots:
        return np.ones(rows.size, np.bool_)
    # One call for both ends: the offset tables are looked up once
    local = local_seconds(np.concatenate((columns.starts[rows], columns.ends[rows])), time_zone)
    starts, ends = np.split(local + _THURSDAY_TO_MONDAY, 2)
    # Seconds since the Monday 00:00 before the start (x - x // w * w is x % w, but faster),
    # and the end counted from the same Monday.
    start_in_week = starts - starts // _WEEK * _WEEK
    end_in_week = start_in_week + (ends - starts)
    openings, closings = _slot_bounds(slots)
    opened = np.searchsorted(openings, start_in_week, side="right") - 1
    return (opened >= 0) & (end_in_week <= closings[np.maximum(opened, 0)])


def _slot_bounds(
    slots: Sequence[matching_pb2.AvailabilitySlot],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Slot openings in seconds since Monday 00:00, ascending, and for each the latest closing
    of the slots opened by then: a span fits inside one slot iff it ends by the closing that
    goes with the last opening before its start."""
    bounds = sorted(
        ((s.weekday - 1) * _DAY + s.start_minute * 60, (s.weekday - 1) * _DAY + s.end_minute * 60)
        for s in slots
    )
    openings = np.array([opening for opening, _ in bounds], np.int64)
    closings = np.maximum.accumulate(np.array([closing for _, closing in bounds], np.int64))
    return openings, closings


def distances_km(
    columns: ActivityColumns, rows: Rows, origin: tuple[float, float] | None
) -> Values:
    """Great-circle distances from ``origin``: NaN for online rows, inf for the others when
    there is no origin."""
    physical = ~columns.online[rows]
    distances = np.full(rows.size, np.nan)
    if origin is None:
        distances[physical] = np.inf
        return distances
    places = rows[physical]
    distances[physical] = geo.distances_km(
        origin[0], origin[1], columns.latitudes[places], columns.longitudes[places]
    )
    return distances


def within_distance(
    columns: ActivityColumns,
    rows: Rows,
    origin: tuple[float, float] | None,
    max_distance_km: float,
) -> Mask:
    """Online, or no further than ``max_distance_km`` from ``origin``."""
    return columns.online[rows] | (distances_km(columns, rows, origin) <= max_distance_km)


def shares_language(columns: ActivityColumns, rows: Rows, language_sets_shared: Mask) -> Mask:
    """``language_sets_shared``: per language set of the index, whether the student speaks
    one of its languages."""
    return language_sets_shared[columns.language_sets[rows]]


def not_excluded(rows: Rows, excluded_rows: Rows) -> Mask:
    """Not among ``excluded_rows``: activities the student enrolled in or dismissed, or that
    the request excludes."""
    return ~np.isin(rows, excluded_rows)


def has_any_cause(
    columns: ActivityColumns, rows: Rows, causes: Sequence[common_pb2.Cause.ValueType]
) -> Mask:
    mask: Mask = (columns.causes[rows] & cause_bits(causes)) != 0
    return mask


def has_any_sdg(columns: ActivityColumns, rows: Rows, sdgs: Sequence[int]) -> Mask:
    """Has at least one of the UN Sustainable Development Goals ``sdgs``."""
    mask: Mask = (columns.sdgs[rows] & np.uint32(sdg_bits(sdgs))) != 0
    return mask


def is_online(columns: ActivityColumns, rows: Rows) -> Mask:
    return columns.online[rows]


def starts_between(
    columns: ActivityColumns, rows: Rows, after: int | None, before: int | None
) -> Mask:
    """Starts at or after ``after`` and before ``before``; an unset bound does not restrict."""
    starts = columns.starts[rows]
    mask = np.ones(rows.size, np.bool_)
    if after is not None:
        mask &= starts >= after
    if before is not None:
        mask &= starts < before
    return mask


def in_week_edition(columns: ActivityColumns, rows: Rows, week_edition_id: int) -> Mask:
    return np.asarray(columns.week_editions[rows] == week_edition_id)


# --- Signals ----------------------------------------------------------------------------------


def cause_signal(columns: ActivityColumns, rows: Rows, cause_table: Values) -> Values:
    """The student's strongest interest among the activity's causes."""
    return cause_table[columns.causes[rows]]


def motivation_signal(
    index: ActivityIndex,
    rows: Rows,
    motivation: Query,
    reference: ActivityIndex | None = None,
) -> Values:
    """BM25 relevance of the activity's text to the motivation, relative to the activity that
    matches it best (1); 0 without a motivation. ``reference``: the catalogue to weigh words
    by and to find that best activity in, when ``index`` is not the catalogue."""
    return index.text_relevance(rows, motivation, reference)


def skills_signal(columns: ActivityColumns, rows: Rows, skill_sets_share: Values) -> Values:
    """Share of the activity's wanted skills the student has (per skill set of the index)."""
    return skill_sets_share[columns.skill_sets[rows]]


def proximity_signal(
    columns: ActivityColumns,
    rows: Rows,
    origin: tuple[float, float] | None,
    max_distance_km: float,
) -> Values:
    """1 at the student's door, falling linearly to 0 at their maximum distance; online 0.5."""
    if max_distance_km > 0:
        distances = distances_km(columns, rows, origin)
        nearness = np.clip(1 - distances / max_distance_km, 0.0, 1.0)
    else:
        nearness = np.zeros(rows.size)
    return np.where(columns.online[rows], ONLINE_PROXIMITY, nearness)


def _scarcity(columns: ActivityColumns, rows: Rows) -> Values:
    capacities = np.maximum(columns.capacities[rows], 1)
    return np.clip(1 - columns.seats_left[rows] / capacities, 0.0, 1.0)


def _departure_nearness(columns: ActivityColumns, rows: Rows, departure: int | None) -> Values:
    if departure is None:
        return np.zeros(rows.size)
    days_left_after = (departure - columns.ends[rows]) / _DAY
    return np.clip(1 - days_left_after / DEPARTURE_HORIZON_DAYS, 0.0, 1.0)


def urgency_signal(columns: ActivityColumns, rows: Rows, departure: int | None) -> Values:
    """Mean of scarcity (share of seats taken) and how soon the student leaves afterwards."""
    return (_scarcity(columns, rows) + _departure_nearness(columns, rows, departure)) / 2


Collaborative = Mapping[str, float] | KeyedScores
"""The similar-students signal of one student: per activity id, or by activity key."""


def similar_students_signal(
    index: ActivityIndex, rows: Rows, collaborative: Collaborative | None
) -> Values:
    """The caller's collaborative score of each row, clipped to [0, 1]; 0 when absent."""
    if isinstance(collaborative, KeyedScores):
        return np.clip(collaborative.at_keys(index.columns.keys[rows]), 0.0, 1.0)
    signal = np.zeros(rows.size)
    known = {
        row: value
        for activity_id, value in (collaborative or {}).items()
        if (row := index.row_of(activity_id)) is not None
    }
    if not known:
        return signal
    known_rows = np.fromiter(known, np.int64, len(known))
    order = np.argsort(known_rows)
    known_rows = known_rows[order]
    values = np.fromiter(known.values(), np.float64, len(known))[order]
    positions = np.minimum(np.searchsorted(known_rows, rows), known_rows.size - 1)
    found = known_rows[positions] == rows
    signal[found] = np.clip(values[positions[found]], 0.0, 1.0)
    return signal


# --- Diversity --------------------------------------------------------------------------------


def diversify(
    scores: Values,
    causes: NDArray[np.uint8],
    k: int,
    tie_breaks: NDArray[np.int64] | None = None,
    trade_off: float = MMR_LAMBDA,
) -> list[int]:
    """Positions of up to ``k`` items by maximal marginal relevance: each pick maximises
    ``trade_off * score - (1 - trade_off) * similarity``, where similarity is 1 when the item
    shares a cause with an item already picked. Ties go to the lowest ``tie_breaks`` (distinct
    numbers; by default the position), so the items need no sorting first."""
    relevance = trade_off * scores
    values = relevance.copy()
    covered = 0
    picked: list[int] = []
    for _ in range(min(k, scores.size)):
        best = int(np.argmax(values))
        if tie_breaks is not None:
            tied = np.flatnonzero(values == values[best])
            best = int(tied[np.argmin(tie_breaks[tied])]) if tied.size > 1 else best
        picked.append(best)
        relevance[best] = -np.inf
        if int(causes[best]) & ~covered:  # new causes: items sharing one are now less novel
            covered |= int(causes[best])
            values = relevance - (1 - trade_off) * ((causes & covered) != 0)
        else:
            values[best] = -np.inf
    return picked


def relevance_ranks(
    scores: Values, tie_breaks: NDArray[np.int64], picks: Sequence[int]
) -> list[int]:
    """Where each pick stands by score alone, from 1: higher scores first, ties by the lowest
    ``tie_breaks``, as :func:`diversify` breaks them."""
    picked = np.asarray(picks, np.int64)
    picked_scores = scores[picked][:, None]
    ahead = (scores > picked_scores) | (
        (scores == picked_scores) & (tie_breaks < tie_breaks[picked][:, None])
    )
    ranks: list[int] = (ahead.sum(axis=1) + 1).tolist()
    return ranks


# --- Reasons ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pair:
    """One student and one activity, with the facts their reasons quote."""

    student: _Student
    index: ActivityIndex
    activity: catalogue_pb2.Activity
    distance_km: float
    """NaN when online."""
    scarcity: float
    departure_nearness: float
    local_start: int
    """The start on the student's clock, in seconds since 1970-01-01 00:00."""


def _pairs(student: _Student, index: ActivityIndex, rows: Rows) -> list[_Pair]:
    """The pairs of ``student`` with each row, their facts computed together."""
    columns = index.columns
    facts = zip(
        rows.tolist(),
        distances_km(columns, rows, student.origin).tolist(),
        _scarcity(columns, rows).tolist(),
        _departure_nearness(columns, rows, student.departure).tolist(),
        local_seconds(columns.starts[rows], student.time_zone).tolist(),
        strict=True,
    )
    return [
        _Pair(student, index, index.activity_at(row), distance, scarcity, nearness, local_start)
        for row, distance, scarcity, nearness, local_start in facts
    ]


# Each fills the fields of its signal's reason (see Reason in matching.proto); the English
# text is worded from those fields by services.matching.vocabulary.reason_text.


def _cause_facts(pair: _Pair, reason: matching_pb2.Reason) -> None:
    """The causes the signal took its value from: those of the student's strongest interest
    among the activity's causes (several only when interests tie)."""
    interests = pair.student.interests
    causes = list(dict.fromkeys(pair.activity.details.causes))
    strongest = max(interests.get(c, 0.0) for c in causes)
    reason.causes.extend(c for c in causes if interests.get(c, 0.0) == strongest)


def _no_facts(pair: _Pair, reason: matching_pb2.Reason) -> None:
    """Motivation and similar students: the signal's value is all there is to tell."""


def _skills_facts(pair: _Pair, reason: matching_pb2.Reason) -> None:
    had = set(pair.student.skill_ids.tolist())
    wanted = pair.activity.details.skills_wanted
    reason.matched_skills.extend(skill for skill in wanted if pair.index.skill_id(skill) in had)


def _distance_facts(pair: _Pair, reason: matching_pb2.Reason) -> None:
    if pair.activity.details.location.online:
        reason.online = True
    else:
        reason.distance_km = pair.distance_km


def _urgency_facts(pair: _Pair, reason: matching_pb2.Reason) -> None:
    departure = pair.student.departure
    if pair.scarcity < pair.departure_nearness and departure is not None:
        ends = pair.activity.details.ends_at.seconds
        reason.days_until_departure = max(departure - ends, 0) // _DAY
    else:
        reason.seats_left = max(pair.activity.seats_left, 0)


_REASON_FACTS: dict[str, Callable[[_Pair, matching_pb2.Reason], None]] = {
    "cause": _cause_facts,
    "motivation": _no_facts,
    "skills": _skills_facts,
    "proximity": _distance_facts,
    "urgency": _urgency_facts,
    "similar_students": _no_facts,
}


def _add_reasons(
    reasons: RepeatedCompositeFieldContainer[matching_pb2.Reason],
    pair: _Pair,
    signals: Values,
    weights: Weights,
) -> None:
    """Adds the scored signals that added more than REASON_MIN_CONTRIBUTION, largest first,
    each with the facts it quotes and its English text."""
    contributions = weights.values * signals
    for position in np.argsort(-contributions, kind="stable").tolist():
        contribution = float(contributions[position])
        if contribution <= REASON_MIN_CONTRIBUTION:
            break
        name = SIGNALS[position]
        reason = reasons.add(
            signal=REASON_SIGNALS[name], contribution=contribution, value=float(signals[position])
        )
        _REASON_FACTS[name](pair, reason)
        reason.text = reason_text(reason)


def _write_match_facts(facts: matching_pb2.MatchFacts, pair: _Pair) -> None:
    """The languages the activity passed the language filter with, and its start on the
    student's clock."""
    student = pair.student
    days, seconds_of_day = divmod(pair.local_start, _DAY)
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


# --- Ranker -----------------------------------------------------------------------------------


_ANY_ACTIVITY = matching_pb2.RecommendFilter(accept_waitlist=True)


class Ranker:
    """Recommends activities of an index to students, and scores students for an activity.

    ``sections`` resolves a profile's host section when it has no home location; by default,
    the real ESN sections of ``data/esn_sections.csv``.
    """

    def __init__(
        self,
        index: ActivityIndex,
        weights: Weights,
        sections: SectionDirectory | None = None,
    ) -> None:
        self._index = index
        self._weights = weights
        self._sections = sections if sections is not None else _real_sections()

    @property
    def weights(self) -> Weights:
        return self._weights

    def recommend(  # noqa: PLR0917  (positional, as the matching service calls it)
        self,
        profile: matching_pb2.VolunteerProfile,
        k: int,
        filter: matching_pb2.RecommendFilter,
        now: datetime,
        excluded: Set[str],
        collaborative: Collaborative | None = None,
    ) -> matching_pb2.RecommendResponse:
        """Up to ``k`` activities for the student, most relevant first but diverse in causes;
        ``diversified`` when diversity changed the order by score alone.

        ``excluded``: ids of activities the student enrolled in or dismissed.
        ``collaborative``: the similar-students signal per activity id, if known.
        """
        if k <= 0:
            return matching_pb2.RecommendResponse()
        student = _student(profile, self._index, self._sections)
        rows = self._eligible(
            student,
            self._candidates(student, filter),
            math.floor(now.timestamp()),
            filter,
            self._index.rows_of(excluded),
        )
        signals = self._signals(student, rows, collaborative)
        scores = np.clip(signals @ self._weights.values, 0.0, 1.0)
        picks = diversify(scores, self._index.columns.causes[rows], k, tie_breaks=rows)
        ranks = relevance_ranks(scores, rows, picks)
        pairs = _pairs(student, self._index, rows[picks])
        # By score alone, the picks would rank 1, 2, 3, ...
        diversified = ranks != list(range(1, len(ranks) + 1))
        response = matching_pb2.RecommendResponse(diversified=diversified)
        for pair, p, rank in zip(pairs, picks, ranks, strict=True):
            self._fill_recommendation(
                response.recommendations.add(), pair, signals[p], scores[p], relevance_rank=rank
            )
        return response

    def score_students(
        self,
        activity: catalogue_pb2.Activity,
        profiles: Sequence[matching_pb2.VolunteerProfile],
        now: datetime,
        excluded_pairs: Set[tuple[str, str]],
        *,
        week_edition: str = "",
    ) -> list[StudentMatch]:
        """The students an activity suits, best first, with the reasons and facts to tell.

        Reverse matching: the filters and signals of :meth:`recommend` from the activity's
        side, for the activity as given (whether or not the index has caught up with it).
        ``excluded_pairs``: (student id, activity id) pairs never to match. ``week_edition``
        keeps only an activity of that SocialErasmus Week. No similar-students signal here.
        """
        if activity.state != catalogue_pb2.ACTIVITY_STATE_PUBLISHED:
            return []
        alone = ActivityIndex(self._index.encoder)
        alone.apply(activity)
        ranker = Ranker(alone, self._weights, self._sections)
        request = matching_pb2.RecommendFilter(week_edition=week_edition)
        rows = alone.rows_of([activity.id])
        no_rows = np.zeros(0, np.int64)
        epoch = math.floor(now.timestamp())
        found: list[StudentMatch] = []
        for profile in profiles:
            if (profile.student_id, activity.id) in excluded_pairs:
                continue
            student = _student(profile, alone, self._sections)
            if ranker._eligible(student, rows, epoch, request, no_rows).size == 0:
                continue
            signals = ranker._signals(student, rows, None, self._index)
            score = float(np.clip(signals[0] @ self._weights.values, 0.0, 1.0))
            (pair,) = _pairs(student, alone, rows)
            told = matching_pb2.Recommendation()
            _add_reasons(told.reasons, pair, signals[0], self._weights)
            _write_match_facts(told.facts, pair)
            found.append(StudentMatch(profile.student_id, score, list(told.reasons), told.facts))
        found.sort(key=lambda match: (-match.score, match.student_id))
        return found

    def signals_for(
        self,
        profile: matching_pb2.VolunteerProfile,
        activity_ids: Sequence[str],
        now: datetime,
    ) -> tuple[list[str], NDArray[np.float64]]:
        """The signals of the student with each of ``activity_ids`` the index holds, for
        learning weights from feedback: (those ids in the order given, one row each with a
        column per name of SIGNALS).

        Computed as :meth:`recommend` computes them, motivation included for every row, but
        with no hard filter (feedback may concern an activity that has started or is full by
        now) and ``similar_students`` at 0 (the caller knows the collaborative signal).
        ``now`` is when the signals are asked for; none of them depends on the clock yet.
        """
        student = _student(profile, self._index, self._sections)
        found = [(a, row) for a in activity_ids if (row := self._index.row_of(a)) is not None]
        if not found:
            return [], np.zeros((0, len(SIGNALS)))
        rows = np.array([row for _, row in found], np.int64)
        signals = self._signals(student, rows, None)
        return [activity_id for activity_id, _ in found], signals

    def candidate_signals(
        self,
        profile: matching_pb2.VolunteerProfile,
        now: datetime,
        excluded: Set[str],
        collaborative: Collaborative | None = None,
    ) -> tuple[Rows, NDArray[np.float64]]:
        """The rows :meth:`recommend` would weigh for the student at ``now`` with no request
        filter (full activities included), and their signals: what a set of weights is
        validated on, by where a later join ranks among them."""
        student = _student(profile, self._index, self._sections)
        rows = self._eligible(
            student,
            self._candidates(student, _ANY_ACTIVITY),
            math.floor(now.timestamp()),
            _ANY_ACTIVITY,
            self._index.rows_of(excluded),
        )
        return rows, self._signals(student, rows, collaborative)

    def _candidates(self, student: _Student, request: matching_pb2.RecommendFilter) -> Rows:
        reach = student.profile.max_distance_km
        if request.online_only or student.origin is None or reach <= 0:
            return self._index.online_rows()
        return self._index.candidates_near(*student.origin, reach)

    def _eligible(
        self,
        student: _Student,
        rows: Rows,
        now: int,
        request: matching_pb2.RecommendFilter,
        excluded_rows: Rows,
    ) -> Rows:
        """The rows passing every hard filter; those that remove the most for their cost
        come first (online activities pass the language and distance filters alike)."""
        columns = self._index.columns
        profile = student.profile
        checks: list[Check] = [
            lambda r: is_published(columns, r),
            lambda r: has_not_started(columns, r, now),
            *self._request_checks(request),
            lambda r: within_mobility_period(columns, r, student.arrival, student.departure),
            lambda r: within_weekly_availability(
                columns, r, profile.weekly_availability, student.time_zone
            ),
            lambda r: has_seats(columns, r, request.accept_waitlist),
            lambda r: shares_language(columns, r, student.language_sets_shared),
            lambda r: within_distance(columns, r, student.origin, profile.max_distance_km),
            lambda r: not_excluded(r, excluded_rows),
        ]
        for check in checks:
            if rows.size == 0:
                break
            rows = rows[check(rows)]
        return rows

    def _request_checks(self, request: matching_pb2.RecommendFilter) -> list[Check]:
        """Checks for the fields of a RecommendFilter that are set."""
        columns = self._index.columns
        checks: list[Check] = []
        if request.causes:
            checks.append(lambda r: has_any_cause(columns, r, request.causes))
        if request.sdgs:
            checks.append(lambda r: has_any_sdg(columns, r, request.sdgs))
        if request.online_only:
            checks.append(lambda r: is_online(columns, r))
        if request.HasField("starts_after") or request.HasField("starts_before"):
            after = request.starts_after.seconds if request.HasField("starts_after") else None
            before = request.starts_before.seconds if request.HasField("starts_before") else None
            checks.append(lambda r: starts_between(columns, r, after, before))
        if request.week_edition:
            edition = self._index.week_edition_id(request.week_edition)
            checks.append(lambda r: in_week_edition(columns, r, edition))
        if request.exclude_activity_ids:
            # Unknown and unpublished ids have no row: they exclude nothing.
            excluded = self._index.rows_of(request.exclude_activity_ids)
            checks.append(lambda r: not_excluded(r, excluded))
        return checks

    def _signals(
        self,
        student: _Student,
        rows: Rows,
        collaborative: Collaborative | None,
        reference: ActivityIndex | None = None,
    ) -> NDArray[np.float64]:
        """One row per candidate, one column per signal of SIGNALS. ``reference``: the catalogue
        the motivation's relevance is measured in, when the index is not it."""
        columns = self._index.columns
        reach = student.profile.max_distance_km
        values = {
            "cause": cause_signal(columns, rows, student.cause_table),
            "motivation": motivation_signal(self._index, rows, student.motivation, reference),
            "skills": skills_signal(columns, rows, student.skill_sets_share),
            "proximity": proximity_signal(columns, rows, student.origin, reach),
            "urgency": urgency_signal(columns, rows, student.departure),
            "similar_students": similar_students_signal(self._index, rows, collaborative),
        }
        return np.column_stack([values[name] for name in SIGNALS])

    def _fill_recommendation(
        self,
        recommendation: matching_pb2.Recommendation,
        pair: _Pair,
        signals: Values,
        score: float,
        *,
        relevance_rank: int,
    ) -> None:
        """Writes the recommendation in place, in the response: the activity is copied once."""
        _add_reasons(recommendation.reasons, pair, signals, self._weights)
        _write_match_facts(recommendation.facts, pair)
        recommendation.activity.CopyFrom(pair.activity)
        recommendation.score = float(score)
        recommendation.explanation = explanation(recommendation.reasons, recommendation.facts)
        recommendation.relevance_rank = relevance_rank
