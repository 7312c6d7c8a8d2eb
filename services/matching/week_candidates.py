"""Candidates of a SocialErasmus Week allocation: for every student, the best-fitting
activities of the edition, with the hard filters and the score of Recommend, computed for all
students at once. Pure: no I/O, no clock.

Recommend ranks one student's activities per call; a Week of 350,000 students would make as
many calls. Here every step works on arrays of (student, activity) pairs instead:

1. reach: the edition's physical activities within each student's maximum distance (a k-d
   tree on the unit sphere finds a superset, the great-circle distance of the ranking then
   decides), and every online one; students without an origin or a reach get online ones only;
2. the language filter; the pairs left are *in reach*;
3. the filters on time (not started, within the mobility period and the weekly availability
   on the student's clock); the pairs left are the *eligible* ones;
4. the signals of :mod:`services.matching.ranking` and the score, their weighted sum: cause,
   motivation (BM25 against the whole catalogue, as Recommend), skills, proximity, urgency;
   similar students stays 0, as in the allocation before;
5. the :data:`PER_STUDENT` Recommend would list, diverse in causes (maximal marginal
   relevance, as ``ranking.diversify``): the same candidates as one Recommend per student.

Students with no pair in reach, or none eligible, are told apart for the unplaced reasons of
``AllocateWeekResponse``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from services.kernel.geo import EARTH_RADIUS_KM, distances_km
from services.matching.diversity import MMR_LAMBDA
from services.matching.index import UNKNOWN, ActivityIndex
from services.matching.local_time import local_seconds
from services.matching.signal_values import DEPARTURE_HORIZON_DAYS, ONLINE_PROXIMITY
from services.matching.signals import SIGNALS, Weights
from services.matching.student import MIN_LANGUAGE_LEVEL, SectionDirectory
from services.matching.text import Query
from socialerasmus.matching.v1 import matching_pb2

PER_STUDENT = 20
"""Activities per student the Week allocation chooses among."""

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_DAY = 86_400
_WEEK = 7 * _DAY
_THURSDAY_TO_MONDAY = 3 * _DAY
_CAUSE_BITS = 8
"""Cause masks are bytes (see ``services.matching.index.cause_bits``)."""
STUDENT_CHUNK = 1_000
"""Students whose pairs are found together (every student pairs with every online activity,
so chunks bound the pairs held at once); the pairs come chunk by chunk, those with physical
activities first in each."""
_FIT_BINS = 128
"""Bins of fit over [0, 1] that bound each student's best pairs before diversifying."""
_SLACK = 1.0 + 1e-9
"""The k-d tree's radius is widened by this: the great-circle test decides, not the tree."""


@dataclass(frozen=True, slots=True)
class WeekCandidates:
    """Candidate pairs, as arrays; students are numbered as the profiles were given."""

    student: IntArray
    row: IntArray
    """Index row of the activity."""
    fit: FloatArray
    in_reach: BoolArray
    """Per student: some activity of the edition is in reach (place and language)."""
    eligible: BoolArray
    """Per student: some of them also passes the filters on time."""


@dataclass(frozen=True, slots=True)
class _Students:
    """What the filters and signals need of every student, as arrays."""

    latitude: FloatArray
    """NaN when the student has no origin."""
    longitude: FloatArray
    reach: FloatArray
    arrival: IntArray
    """Epoch seconds; the smallest int64 when unset."""
    departure: IntArray
    """Epoch seconds; the largest int64 when unset."""
    has_departure: BoolArray
    interests: FloatArray
    """Students x 8: interest in each cause whose bit a cause mask can hold."""
    language_set: IntArray
    """Into ``language_sets_shared``."""
    language_sets_shared: BoolArray
    """Student language sets x index language sets: does one language match?"""
    skill_set: IntArray
    skill_sets_share: FloatArray
    """Student skill sets x index skill sets: the share of the wanted skills held."""
    motivation: IntArray
    """Into ``queries``."""
    queries: list[Query]
    availability: IntArray
    """Into ``patterns``; -1 for a student free at any time (no slot)."""
    patterns: list[tuple[str, tuple[tuple[int, int], ...]]]
    """Distinct (time zone, weekly slots as seconds from Monday 00:00) of the students:
    students share them, so each is checked against the edition once."""


def week_candidates(
    index: ActivityIndex,
    profiles: Sequence[matching_pb2.VolunteerProfile],
    week_edition: str,
    *,
    now: int,
    weights: Weights,
    sections: SectionDirectory,
    per_student: int = PER_STUDENT,
    student_chunk: int = STUDENT_CHUNK,
) -> WeekCandidates:
    """The candidate pairs described in the module doc; ``now`` in epoch seconds."""
    finder = CandidateFinder(
        index,
        profiles,
        week_edition,
        now=now,
        weights=weights,
        sections=sections,
        per_student=per_student,
        student_chunk=student_chunk,
    )
    for _ in finder.chunks():
        pass
    return finder.result()


class CandidateFinder:
    """:func:`week_candidates` one chunk of students at a time: every student pairs with every
    online activity, so chunks bound the pairs held at once (the index must not change
    meanwhile)."""

    def __init__(
        self,
        index: ActivityIndex,
        profiles: Sequence[matching_pb2.VolunteerProfile],
        week_edition: str,
        *,
        now: int,
        weights: Weights,
        sections: SectionDirectory,
        per_student: int = PER_STUDENT,
        student_chunk: int = STUDENT_CHUNK,
    ) -> None:
        self._index = index
        self._student_chunk = student_chunk
        self._now = now
        self._weights = weights
        self._per_student = per_student
        self.rows = index.edition_rows(week_edition)
        """The edition's rows, ascending."""
        self._students = _students(profiles, index, sections)
        self._available = _availability_table(index, self._students, self.rows)
        self._reach = _reach(index, self._students, self.rows)
        self._online = _OnlineTables.of(index, self._students, self.rows, self._reach.online)
        self._online_available = self._available[:, self._reach.online]
        self._count = len(profiles)
        self._in_reach = np.zeros(self._count, np.bool_)
        self._eligible = np.zeros(self._count, np.bool_)
        self._kept: list[tuple[IntArray, IntArray, FloatArray]] = []

    def chunks(self) -> Iterator[int]:
        """Finds the candidates of the next chunk of students at each step; yields how many
        students are done."""
        # Every student pairs with every online activity, so pairs (and memory) grow with
        # students x online activities: chunks bound them.
        for first in range(0, self._count, self._student_chunk):
            chunk = np.arange(first, min(first + self._student_chunk, self._count))
            index, students = self._index, self._students
            student, position = _in_reach(index, students, self._reach, self.rows, chunk)
            self._in_reach[student] = True
            keep = self._on_time(student, position)
            online_student, online_position = self._online_pairs(chunk)
            student = np.concatenate((student[keep], online_student))
            row = self.rows[np.concatenate((position[keep], online_position))]
            self._eligible[student] = True
            fit = _scores(index, students, student, row, self._weights)
            best = _diversified(student, row, fit, index.columns.causes[row], self._per_student)
            self._kept.append((student[best], row[best], fit[best]))
            yield int(chunk[-1]) + 1

    def _on_time(self, student: IntArray, position: IntArray) -> BoolArray:
        """Not started, within the mobility period and inside one weekly availability slot."""
        columns, students = self._index.columns, self._students
        row = self.rows[position]
        starts, ends = columns.starts[row], columns.ends[row]
        keep = (starts > self._now) & (starts >= students.arrival[student])
        keep &= ends <= students.departure[student]
        pattern = students.availability[student]
        bound = pattern >= 0
        if bound.any():
            keep[bound] &= self._available[pattern[bound], position[bound]]
        return keep

    def _online_pairs(self, chunk: IntArray) -> tuple[IntArray, IntArray]:
        """The ``chunk``'s pairs with the online activities that share a language (marking
        its students in reach) and pass :meth:`_on_time`, as students and positions: every
        student pairs with every online activity, so as a students x activities table."""
        online, students = self._online, self._students
        if online.positions.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keep = online.shared[students.language_set[chunk]]
        self._in_reach[chunk[keep.any(axis=1)]] = True
        keep &= online.starts > self._now
        keep &= online.starts >= students.arrival[chunk, None]
        keep &= online.ends <= students.departure[chunk, None]
        pattern = students.availability[chunk]
        bound = np.flatnonzero(pattern >= 0)
        if bound.size:
            keep[bound] &= self._online_available[pattern[bound]]
        which, at = np.nonzero(keep)
        return chunk[which], online.positions[at]

    def result(self) -> WeekCandidates:
        kept = self._kept or [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
        return WeekCandidates(
            np.concatenate([k[0] for k in kept]),
            np.concatenate([k[1] for k in kept]),
            np.concatenate([k[2] for k in kept]),
            self._in_reach,
            self._eligible,
        )


def concatenated(parts: Sequence[WeekCandidates]) -> WeekCandidates:
    """The candidates of consecutive slices of the students as one: students are numbered
    on from one slice to the next."""
    sizes = [part.in_reach.size for part in parts]
    offsets = np.r_[0, np.cumsum(sizes)][:-1].tolist()
    return WeekCandidates(
        np.concatenate(
            [np.zeros(0, np.int64)] + [p.student + o for p, o in zip(parts, offsets, strict=True)]
        ),
        np.concatenate([np.zeros(0, np.int64)] + [part.row for part in parts]),
        np.concatenate([np.zeros(0)] + [part.fit for part in parts]),
        np.concatenate([np.zeros(0, np.bool_)] + [part.in_reach for part in parts]),
        np.concatenate([np.zeros(0, np.bool_)] + [part.eligible for part in parts]),
    )


def _students(
    profiles: Sequence[matching_pb2.VolunteerProfile],
    index: ActivityIndex,
    sections: SectionDirectory,
) -> _Students:
    count = len(profiles)
    latitude = np.full(count, np.nan)
    longitude = np.full(count, np.nan)
    reach = np.zeros(count)
    arrival = np.full(count, np.iinfo(np.int64).min)
    departure = np.full(count, np.iinfo(np.int64).max)
    has_departure = np.zeros(count, np.bool_)
    interests = np.zeros((count, _CAUSE_BITS))
    language_set = np.zeros(count, np.int64)
    skill_set = np.zeros(count, np.int64)
    motivation = np.zeros(count, np.int64)
    availability = np.full(count, -1, np.int64)
    languages: dict[tuple[int, ...], int] = {}
    skills: dict[tuple[str, ...], int] = {}
    texts: dict[str, int] = {}
    patterns: dict[tuple[str, tuple[tuple[int, int], ...]], int] = {}
    for n, profile in enumerate(profiles):
        if profile.HasField("home_location"):
            latitude[n] = profile.home_location.latitude
            longitude[n] = profile.home_location.longitude
        elif (section := sections.get(profile.host_section_id)) is not None:
            latitude[n], longitude[n] = section.latitude, section.longitude
        reach[n] = profile.max_distance_km
        if profile.HasField("arrival"):
            arrival[n] = profile.arrival.seconds
        if profile.HasField("departure"):
            departure[n] = profile.departure.seconds
            has_departure[n] = True
        for interest in profile.interests:  # the last one of a cause counts, as in ranking
            if 0 <= interest.cause < _CAUSE_BITS:
                interests[n, interest.cause] = min(max(interest.weight, 0.0), 1.0)
        codes = sorted(
            {index.language_id(s.code) for s in profile.languages if s.level >= MIN_LANGUAGE_LEVEL}
        )
        language_set[n] = languages.setdefault(tuple(codes), len(languages))
        skill_set[n] = skills.setdefault(tuple(profile.skills), len(skills))
        motivation[n] = texts.setdefault(profile.motivation, len(texts))
        if profile.weekly_availability:
            slots = tuple(
                sorted(
                    (
                        (s.weekday - 1) * _DAY + s.start_minute * 60,
                        (s.weekday - 1) * _DAY + s.end_minute * 60,
                    )
                    for s in profile.weekly_availability
                )
            )
            key = (profile.time_zone or "UTC", slots)
            availability[n] = patterns.setdefault(key, len(patterns))
    return _Students(
        latitude=latitude,
        longitude=longitude,
        reach=reach,
        arrival=arrival,
        departure=departure,
        has_departure=has_departure,
        interests=interests,
        language_set=language_set,
        language_sets_shared=_languages_shared(index, list(languages)),
        skill_set=skill_set,
        skill_sets_share=_skills_share(index, list(skills)),
        motivation=motivation,
        queries=[index.encoder.query(text) for text in texts],
        availability=availability,
        patterns=list(patterns),
    )


def _languages_shared(index: ActivityIndex, sets: list[tuple[int, ...]]) -> BoolArray:
    members = index.language_sets
    shared = np.zeros((len(sets), members.shape[0]), np.bool_)
    for n, ids in enumerate(sets):
        for member in ids:
            if member != UNKNOWN:
                shared[n] |= (members == member).any(axis=1)
    return shared


def _skills_share(index: ActivityIndex, sets: list[tuple[str, ...]]) -> FloatArray:
    members = index.skill_sets
    sizes = (members != UNKNOWN).sum(axis=1)
    share = np.zeros((len(sets), members.shape[0]))
    for n, skills in enumerate(sets):
        held = np.zeros(members.shape[0])
        for member in index.skills_covered_by(skills).tolist():
            held += (members == member).any(axis=1)
        share[n] = np.divide(held, sizes, out=held, where=sizes > 0)
    return share


def _unit_vectors(latitude: FloatArray, longitude: FloatArray) -> FloatArray:
    lat, lon = np.radians(latitude), np.radians(longitude)
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


@dataclass(frozen=True, slots=True)
class _Reach:
    """The edition's physical activities within reach of each distinct origin and reach."""

    origin: IntArray
    """Per student: index of their (origin, reach); -1 without an origin or a reach."""
    start: IntArray
    """Per origin: where its positions start in ``positions`` (one more entry at the end)."""
    positions: IntArray
    """Positions in the edition's rows, origin by origin."""
    online: IntArray
    """Positions of the online activities."""


def _reach(index: ActivityIndex, students: _Students, rows: IntArray) -> _Reach:
    """Students of one section share its place: each distinct origin is searched once."""
    columns = index.columns
    online = np.flatnonzero(columns.online[rows])
    physical = np.flatnonzero(~columns.online[rows] & ~np.isnan(columns.latitudes[rows]))
    located = np.flatnonzero(~np.isnan(students.latitude) & (students.reach > 0))
    origin = np.full(students.reach.size, -1, np.int64)
    if located.size == 0 or physical.size == 0:
        return _Reach(origin, np.zeros(1, np.int64), np.zeros(0, np.int64), online)
    places = np.column_stack(
        (students.latitude[located], students.longitude[located], students.reach[located])
    )
    distinct, which = np.unique(places, axis=0, return_inverse=True)
    origin[located] = which.ravel()
    latitude, longitude, reach = distinct[:, 0], distinct[:, 1], distinct[:, 2]
    spots = rows[physical]
    tree = cKDTree(_unit_vectors(columns.latitudes[spots], columns.longitudes[spots]))
    # Chord length of the reach, widened: the great-circle distance decides below.
    angle = np.minimum(reach / EARTH_RADIUS_KM, math.pi)
    found = tree.query_ball_point(
        _unit_vectors(latitude, longitude), 2 * np.sin(angle / 2) * _SLACK + 1e-12
    )
    sizes = np.fromiter((len(f) for f in found), np.int64, len(found))
    owner = np.repeat(np.arange(len(found)), sizes)
    position = physical[np.fromiter((i for f in found for i in f), np.int64, int(sizes.sum()))]
    distance = distances_km(
        latitude[owner],
        longitude[owner],
        columns.latitudes[rows[position]],
        columns.longitudes[rows[position]],
    )
    near = distance <= reach[owner]
    start = np.r_[0, np.cumsum(np.bincount(owner[near], minlength=len(found)))]
    return _Reach(origin, start, position[near], online)


@dataclass(frozen=True, slots=True)
class _OnlineTables:
    """What the filters need of the edition's online activities, once per Week."""

    positions: IntArray
    """Positions of the online activities in the edition's rows."""
    shared: BoolArray
    """Student language sets x online activities: does one language match?"""
    starts: IntArray
    ends: IntArray

    @classmethod
    def of(
        cls, index: ActivityIndex, students: _Students, rows: IntArray, positions: IntArray
    ) -> _OnlineTables:
        columns, online = index.columns, rows[positions]
        shared = students.language_sets_shared[:, columns.language_sets[online]]
        return cls(positions, shared, columns.starts[online], columns.ends[online])


def _in_reach(
    index: ActivityIndex, students: _Students, reach: _Reach, rows: IntArray, chunk: IntArray
) -> tuple[IntArray, IntArray]:
    """Pairs of the ``chunk`` of students within reach of a physical activity that share a
    language with it: students and positions in ``rows`` (online ones: see
    ``CandidateFinder._online_pairs``)."""
    columns = index.columns
    located = chunk[reach.origin[chunk] >= 0]
    origin = reach.origin[located]
    sizes = reach.start[origin + 1] - reach.start[origin]
    student = np.repeat(located, sizes)
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = reach.positions[np.repeat(reach.start[origin], sizes) + offsets]
    shared = students.language_sets_shared[
        students.language_set[student], columns.language_sets[rows[position]]
    ]
    return student[shared], position[shared]


def _availability_table(index: ActivityIndex, students: _Students, rows: IntArray) -> BoolArray:
    """Per availability pattern and edition row: does the activity, start to end on the
    pattern's clock, fit inside one of its slots (as ``ranking.within_weekly_availability``)?"""
    columns = index.columns
    starts, ends = columns.starts[rows], columns.ends[rows]
    table = np.zeros((len(students.patterns), rows.size), np.bool_)
    start_in_week: dict[str, IntArray] = {}
    for number, (zone, slots) in enumerate(students.patterns):
        if zone not in start_in_week:
            local = local_seconds(starts, zone) + _THURSDAY_TO_MONDAY
            start_in_week[zone] = local - local // _WEEK * _WEEK
        begins = start_in_week[zone]
        openings = np.array([opening for opening, _ in slots], np.int64)
        closings = np.maximum.accumulate(np.array([closing for _, closing in slots], np.int64))
        opened = np.searchsorted(openings, begins, side="right") - 1
        table[number] = (opened >= 0) & (
            begins + (ends - starts) <= closings[np.maximum(opened, 0)]
        )
    return table


def _cause_interest(
    interests: FloatArray, student: IntArray, causes: NDArray[np.uint8]
) -> FloatArray:
    """Per pair, the student's greatest interest among the activity's causes (0 for none):
    a table of the students' students x distinct cause masks, then one lookup per pair."""
    if student.size == 0:
        return np.zeros(0)
    first = int(student.min())
    # The masks are bytes: counting them finds the distinct ones without sorting the pairs.
    masks = np.flatnonzero(np.bincount(causes, minlength=1 << _CAUSE_BITS))
    number_of = np.zeros(1 << _CAUSE_BITS, np.int64)
    number_of[masks] = np.arange(masks.size)
    mine = interests[first : int(student.max()) + 1]
    table = np.zeros((mine.shape[0], masks.size))
    for n, mask in enumerate(masks.tolist()):
        bits = [bit for bit in range(_CAUSE_BITS) if mask >> bit & 1]
        if bits:
            table[:, n] = mine[:, bits].max(axis=1)
    best: FloatArray = table[student - first, number_of[causes]]
    return best


def _scores(
    index: ActivityIndex,
    students: _Students,
    student: IntArray,
    row: IntArray,
    weights: Weights,
) -> FloatArray:
    """The score of Recommend for each pair, similar students at 0."""
    columns = index.columns
    causes = columns.causes[row]
    cause = _cause_interest(students.interests, student, causes)
    motivation = index.text_relevance_of_pairs(students.queries, students.motivation[student], row)
    skills = students.skill_sets_share[students.skill_set[student], columns.skill_sets[row]]
    online = columns.online[row]
    reach = students.reach[student]
    proximity = np.full(student.size, ONLINE_PROXIMITY)
    near = np.flatnonzero(~online)  # in reach: within a positive distance of an origin
    distance = distances_km(
        students.latitude[student[near]],
        students.longitude[student[near]],
        columns.latitudes[row[near]],
        columns.longitudes[row[near]],
    )
    proximity[near] = np.clip(1 - distance / reach[near], 0.0, 1.0)
    capacities = np.maximum(columns.capacities[row], 1)
    scarcity = np.clip(1 - columns.seats_left[row] / capacities, 0.0, 1.0)
    days_left_after = (
        np.where(students.has_departure[student], students.departure[student], 0)
        - columns.ends[row]
    ) / _DAY
    leaving = np.where(
        students.has_departure[student],
        np.clip(1 - days_left_after / DEPARTURE_HORIZON_DAYS, 0.0, 1.0),
        0.0,
    )
    values = {
        "cause": cause,
        "motivation": motivation,
        "skills": skills,
        "proximity": proximity,
        "urgency": (scarcity + leaving) / 2,
        "similar_students": np.zeros(student.size),
    }
    # The product Recommend takes, so that scores (and their ties) are the same to the bit
    signals = np.column_stack([values[name] for name in SIGNALS])
    clipped: FloatArray = np.clip(signals @ weights.values, 0.0, 1.0)
    return clipped


def _diversified(
    student: IntArray, row: IntArray, fit: FloatArray, causes: NDArray[np.uint8], count: int
) -> IntArray:
    """Positions of the pairs ``ranking.diversify`` picks for each student, ``count`` at most:
    maximal marginal relevance across causes, ties to the lowest row, for all students at
    once, over the pairs that can be picked at all (:func:`_pickable`)."""
    if student.size == 0:
        return np.zeros(0, np.int64)
    kept = _pickable(student, fit, causes, count)
    return kept[
        _maximal_marginal_relevance(student[kept], row[kept], fit[kept], causes[kept], count)
    ]


def _pickable(
    student: IntArray, fit: FloatArray, causes: NDArray[np.uint8], count: int
) -> IntArray:
    """Positions of a superset of the pairs diversification can pick, ascending.

    A step picks the best head of the student's groups (pairs of the same causes, in order
    of fit), its relevance lowered when its causes overlap those picked. A lowered pick beats
    every head, lowered or not, so it is the student's best pair not picked yet: one of their
    ``count`` best. A pick not lowered shares no cause with those picked, so it is the first
    of its group, unless its activity has no cause (never lowered): one of the ``count`` best
    of those. Each set is kept with its ties, and the ``count`` best of a student are all the
    pairs down to the bin (of :data:`_FIT_BINS` over [0, 1]) where their ``count``-th best
    falls: a superset, found without sorting.
    """
    first = int(student.min())
    local = student - first
    students = int(local.max()) + 1
    keep = fit >= _floor_of_best(local, fit, students, count)[local]
    group = local * 256 + causes
    group_best = np.full(students * 256, -np.inf)
    np.maximum.at(group_best, group, fit)
    keep |= fit == group_best[group]
    causeless = np.flatnonzero(causes == 0)
    if causeless.size:
        floor = _floor_of_best(local[causeless], fit[causeless], students, count)
        keep[causeless] |= fit[causeless] >= floor[local[causeless]]
    return np.flatnonzero(keep)


def _floor_of_best(local: IntArray, fit: FloatArray, students: int, count: int) -> FloatArray:
    """Per student, a fit below their ``count``-th best by a margin for the rounding of
    relevance in diversification (-inf with fewer pairs)."""
    bins = np.minimum((fit * _FIT_BINS).astype(np.int64), _FIT_BINS - 1)
    counts = np.bincount(local * _FIT_BINS + bins, minlength=students * _FIT_BINS)
    at_least = np.cumsum(counts.reshape(students, _FIT_BINS)[:, ::-1], axis=1)[:, ::-1]
    enough = at_least >= count
    # The highest bin with at least ``count`` pairs at or above it: the first from the top.
    top = _FIT_BINS - 1 - np.argmax(enough[:, ::-1], axis=1)
    return np.where(enough.any(axis=1), top / _FIT_BINS - 1e-9, -np.inf)


def _maximal_marginal_relevance(
    student: IntArray, row: IntArray, fit: FloatArray, causes: NDArray[np.uint8], count: int
) -> IntArray:
    """:func:`_diversified` over the given pairs.

    Pairs of one student with the same causes are always penalised alike, so they are picked
    in order of fit: each such group is a queue of which only the head competes, and the
    ``count`` best of a group are all it can give. Each step then compares group heads only.
    """
    group = student * 256 + causes
    order = np.lexsort((row, -fit, group))
    student, row, fit, causes = student[order], row[order], fit[order], causes[order]
    group = group[order]
    new_group = np.r_[True, group[1:] != group[:-1]]
    group_start = np.flatnonzero(new_group)
    group_length = np.minimum(np.diff(np.r_[group_start, student.size]), count)
    group_student = student[group_start]
    group_causes = causes[group_start].astype(np.int64)
    student_start = np.flatnonzero(np.r_[True, group_student[1:] != group_student[:-1]])
    owner = np.cumsum(np.r_[True, group_student[1:] != group_student[:-1]]) - 1
    covered = np.zeros(student_start.size, np.int64)
    head = np.zeros(group_start.size, np.int64)
    relevance = MMR_LAMBDA * fit
    picked: list[IntArray] = []
    no_row = np.iinfo(np.int64).max
    for _ in range(count):
        live = head < group_length
        at = group_start + np.minimum(head, group_length - 1)
        penalty = (1 - MMR_LAMBDA) * ((group_causes & covered[owner]) != 0)
        value = np.where(live, relevance[at] - penalty, -np.inf)
        best = np.maximum.reduceat(value, student_start)
        tied = live & (value == best[owner])
        first_row = np.minimum.reduceat(np.where(tied, row[at], no_row), student_start)
        chosen = np.flatnonzero(tied & (row[at] == first_row[owner]))
        if chosen.size == 0:
            break
        picked.append(at[chosen])
        head[chosen] += 1
        covered[owner[chosen]] |= group_causes[chosen]
    if not picked:
        return np.zeros(0, np.int64)
    chosen_positions: IntArray = np.sort(order[np.concatenate(picked)])
    return chosen_positions


UNPLACED_ORDER = (
    matching_pb2.UNPLACED_REASON_NO_CANDIDATE_IN_REACH,
    matching_pb2.UNPLACED_REASON_CLASHES,
    matching_pb2.UNPLACED_REASON_CAPACITY,
)
"""The reasons, in the order they are tried (see UnplacedReason in matching.proto)."""


def unplaced_reasons(found: WeekCandidates, placed: BoolArray) -> IntArray:
    """Per student, the ``UnplacedReason`` value: UNSPECIFIED for those ``placed``; no
    activity in reach; in reach but none on time (clashes); else capacity, as every candidate
    of an unplaced student is full in an allocation that places as many as it can."""
    reasons = np.full(placed.size, matching_pb2.UNPLACED_REASON_CAPACITY, np.int64)
    reasons[~found.eligible] = matching_pb2.UNPLACED_REASON_CLASHES
    reasons[~found.in_reach] = matching_pb2.UNPLACED_REASON_NO_CANDIDATE_IN_REACH
    reasons[placed] = matching_pb2.UNPLACED_REASON_UNSPECIFIED
    return reasons
