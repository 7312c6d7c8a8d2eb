"""SocialErasmus Week allocation: places for the students who opted in to an edition.

Pure computation, no I/O. The caller lists the edition's activity slots and the candidate
(student, activity, fit) pairs that pass each student's hard filters; :func:`allocate`
returns the assignments.

Rules, always enforced (and checked again by the tests on random instances):

* an activity never gets more students than its capacity;
* a student never gets two activities whose intervals ``[starts_at, ends_at)`` overlap
  (back-to-back activities do not clash; travel time between them is not modelled);
* a student gets at most ``max_places_per_student`` places, only among their candidates.

Objective (lexicographic, "everyone gets one before anyone gets two"): places are handed
out in rounds. Round ``r`` gives at most one more place to each student who got a place in
every earlier round; it first maximises the number of students placed in that round, then
the total fit of that round's places, with the places of earlier rounds fixed (their
capacity used, every pair that clashes with them removed). Equivalently, sorting each
student's places by fit, the allocation maximises ``(n1, f1, n2, f2, ...)`` where ``nk``
counts students with at least ``k`` places and ``fk`` sums their ``k``-th best fits, as long
as no round has two optimal solutions of exactly equal fit (a tie in round ``r`` is broken
arbitrarily and round ``r + 1`` is then optimal given that choice, not over the tie).

How each round is solved and proven. One round is a bipartite b-matching (each student at
most one place, each activity at most its remaining capacity): clashes cannot arise inside a
round, only with earlier rounds, and those pairs are removed beforehand.

* count: a maximum flow (scipy's Dinic, integral) gives ``n``, the most students the round
  can place.
* fit: the most fit among b-matchings placing exactly ``n`` is a balanced transport problem,
  solved exactly by POT's network simplex (LEMON's, in C++, on the sparse graph of pairs:
  one arc per pair, no copies of an activity per place). Sources: each student (supply 1)
  and an "empty seats" node (supply ``capacity - n``, an arc to every activity); sinks: each
  activity (demand its capacity) and an "unplaced" node (demand ``students - n``, an arc
  from every student). A pair costs ``-fit``, the other arcs 0, so exactly ``n`` students
  reach an activity. Supplies are integers, so the optimal basic flow is a 0/1 matching.
* proof, independent of the solver's correctness: its dual potentials give the activities'
  multipliers ``p_a >= 0`` in the round's LP relaxation (student rows, capacity rows, count
  fixed to ``n``); the count's ``z`` and each student's ``y_s = max(0, max over s's pairs of
  fit - p_a - z)`` are then the least that cover every pair, and weak duality bounds the fit
  of any b-matching placing ``n`` students by ``sum(y) + sum(capacity * p) + n * z``, for any
  ``p >= 0``. At the optimum it equals the round's fit (complementary slackness), and the gap
  is floating-point noise.

``optimality_gap`` is the largest relative gap of any round's stage objective (count, or fit
when the count is proven) against these bounds, each taken with the earlier rounds fixed; it
is not a gap of the total fit against allocations that ignore fairness, which may well have
a larger total fit. ``proven_optimal`` means every round closed its gap to
:data:`PROOF_TOLERANCE` (floating-point tolerance). Optimal means over the candidate pairs
given: the caller chooses them (for a Week, the activities Recommend would list each
student), and a pair left out is a place the allocation cannot give.

Why this solver: the earlier one (scipy's LAPJVsp, a full matching) needed one column per
place of every contested activity, each linked to all its candidates, so its graph grew with
places x candidates: 20 million edges and 30 s at 100,000 students and 10,000 activities, 240
million at 350,000, against 2 million and 7 million arcs here. A linear program over the
pairs with HiGHS was 5 to 40 times slower than LAPJVsp. OR-Tools' min-cost flow pins a
protobuf older than the one the generated code needs. Splitting into connected components
would keep optimality but does not help: online activities link every student of a Week.

Time: round 1 (everyone's first place) always runs. ``time_limit_seconds`` is checked
before each later round; a round runs to completion once started (the network simplex cannot
be interrupted). A later round that would start after the limit is skipped: nobody gets that
place, and the round is reported unsolved with gap 1, so the allocation is not
``proven_optimal``. Time grows faster than the pairs (the network simplex pivots about once
per node): about 5 s of CPU at 100,000 students and 2 million pairs, 33 s at 350,000 and 7
million. Memory grows with the pairs, hence :data:`MAX_PAIRS`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import maximum_flow

MAX_PAIRS = 8_000_000
"""Most candidate pairs an allocation takes (a Week of 400,000 students with 20 each): the
solver's worker process peaked at 1.5 GB with 6.8 million. Past it, :class:`TooLarge` before
any work."""

PROOF_TOLERANCE = 1e-9
"""Relative gap under which a round counts as proven optimal (floating-point noise)."""

_COST_SHIFT = 2.0
"""Added to every cost of the transport problem (which changes no optimum: each unit of
supply crosses exactly one arc) so that none is zero, as a sparse matrix may drop zeros."""
_MAX_PIVOTS = 1 << 40
"""The network simplex's iteration limit: never reached in practice, as a round's time is not
bounded once it has started."""

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class TooLarge(Exception):
    """More candidate pairs than :data:`MAX_PAIRS`."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One activity of the edition: ``capacity`` places during ``[starts_at, ends_at)``."""

    activity_id: str
    capacity: int
    starts_at: int
    """Epoch seconds."""
    ends_at: int
    """Epoch seconds, after ``starts_at``."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair that passed the student's hard filters, with its fit in ``[0, 1]``."""

    student_id: str
    activity_id: str
    fit: float


@dataclass(frozen=True, slots=True)
class Assignment:
    """A place given to a student; mirrors ``socialerasmus.matching.v1.Assignment``."""

    student_id: str
    activity_id: str
    fit: float


@dataclass(frozen=True, slots=True)
class RoundReport:
    """What round ``round`` (1-based: first places, second places, ...) achieved and proved."""

    round: int
    students: int
    """Students eligible in this round (placed in every earlier round, with a pair left)."""
    placed: int
    placed_bound: int
    """Most students this round can place (maximum flow)."""
    fit: float
    fit_bound: float
    """Upper bound on this round's fit with its count fixed (dual certificate)."""
    gap: float
    """Relative gap of the count if it is short of its bound, else of the fit."""
    solved: bool
    """False when the time limit was reached before this round started."""


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """Assignments plus the figures of ``AllocateWeekResponse``."""

    assignments: tuple[Assignment, ...]
    """Sorted by student id, then activity id."""
    objective: float
    """Sum of fit over all assignments."""
    students_total: int
    """Distinct students among the candidates."""
    students_placed: int
    optimality_gap: float
    """Largest relative gap of any round against its proven bound; 0 when proven optimal."""
    proven_optimal: bool
    solve_seconds: float
    rounds: tuple[RoundReport, ...]


@dataclass(frozen=True, slots=True)
class _Problem:
    """Candidates as integer-indexed arrays."""

    student_ids: list[str]
    activity_ids: list[str]
    student: IntArray
    activity: IntArray
    fit: FloatArray
    capacity: IntArray
    starts: IntArray
    ends: IntArray


@dataclass(frozen=True, slots=True)
class _Round:
    """One round's pairs, with students renumbered ``0..students-1``."""

    pairs: IntArray
    """Indices into the problem's candidate arrays."""
    student: IntArray
    activity: IntArray
    fit: FloatArray
    capacity: IntArray
    """Remaining capacity per activity."""
    students: int


def allocate(
    slots: Sequence[Slot],
    candidates: Sequence[Candidate],
    max_places_per_student: int = 1,
    time_limit_seconds: float = 25.0,
) -> AllocationResult:
    """Assigns places by the lexicographic fairness objective described in the module doc.

    Raises ``ValueError`` for duplicate slots or candidate pairs, candidates of unknown
    activities, fits outside ``[0, 1]``, negative capacities, empty intervals,
    ``max_places_per_student < 1`` or a non-positive time limit.
    """
    started = time.perf_counter()
    if max_places_per_student < 1:
        raise ValueError("max_places_per_student must be at least 1")
    if not time_limit_seconds > 0:
        raise ValueError("time_limit_seconds must be positive")
    problem = _index(slots, candidates)
    deadline = started + time_limit_seconds
    used, rounds = _run_rounds(problem, max_places_per_student, deadline)
    return _result(problem, used, rounds, time.perf_counter() - started)


def allocate_pairs(
    slots: Sequence[Slot],
    student_ids: Sequence[str],
    student: IntArray,
    activity: IntArray,
    fit: FloatArray,
    *,
    max_places_per_student: int = 1,
    time_limit_seconds: float = 25.0,
) -> AllocationResult:
    """:func:`allocate` for candidates given as arrays: pair ``i`` is student
    ``student_ids[student[i]]`` with ``slots[activity[i]]`` at ``fit[i]``. Students without a
    pair count in ``students_total`` too. Raises ``ValueError`` as :func:`allocate` does, and
    for indices out of range."""
    started = time.perf_counter()
    if max_places_per_student < 1:
        raise ValueError("max_places_per_student must be at least 1")
    if not time_limit_seconds > 0:
        raise ValueError("time_limit_seconds must be positive")
    capacity, starts, ends = _slot_arrays(slots)
    student = np.asarray(student, np.int64)
    activity = np.asarray(activity, np.int64)
    fit = np.asarray(fit, np.float64)
    if student.size and (student.min() < 0 or student.max() >= len(student_ids)):
        raise ValueError("student index out of range")
    if activity.size and (activity.min() < 0 or activity.max() >= len(slots)):
        raise ValueError("activity index out of range")
    if not np.all((fit >= 0.0) & (fit <= 1.0)):
        raise ValueError("fit must be in [0, 1]")
    repeated = _first_duplicate(student, activity, len(slots))
    if repeated is not None:
        raise ValueError(
            f"duplicate candidate pair ({student_ids[int(student[repeated])]!r},"
            f" {slots[int(activity[repeated])].activity_id!r})"
        )
    problem = _Problem(
        list(student_ids),
        [slot.activity_id for slot in slots],
        student,
        activity,
        fit,
        capacity,
        starts,
        ends,
    )
    used, rounds = _run_rounds(problem, max_places_per_student, started + time_limit_seconds)
    return _result(problem, used, rounds, time.perf_counter() - started)


def _slot_arrays(slots: Sequence[Slot]) -> tuple[IntArray, IntArray, IntArray]:
    if len({slot.activity_id for slot in slots}) != len(slots):
        raise ValueError("duplicate activity_id among slots")
    capacity = np.array([slot.capacity for slot in slots], dtype=np.int64)
    starts = np.array([slot.starts_at for slot in slots], dtype=np.int64)
    ends = np.array([slot.ends_at for slot in slots], dtype=np.int64)
    if (capacity < 0).any():
        raise ValueError("slot capacity must not be negative")
    if (ends <= starts).any():
        raise ValueError("slot must end after it starts")
    return capacity, starts, ends


def _index(slots: Sequence[Slot], candidates: Sequence[Candidate]) -> _Problem:
    """Validates the input and turns it into arrays."""
    capacity, starts, ends = _slot_arrays(slots)
    activity_index = {slot.activity_id: i for i, slot in enumerate(slots)}
    student_index: dict[str, int] = {}
    student = np.array(
        [student_index.setdefault(c.student_id, len(student_index)) for c in candidates],
        dtype=np.int64,
    )
    try:
        activity = np.array([activity_index[c.activity_id] for c in candidates], dtype=np.int64)
    except KeyError as unknown:
        raise ValueError(f"candidate for unknown activity {unknown.args[0]!r}") from None
    fit = np.array([c.fit for c in candidates], dtype=np.float64)
    if not np.all((fit >= 0.0) & (fit <= 1.0)):  # also rejects NaN
        raise ValueError("fit must be in [0, 1]")
    _reject_duplicates(student, activity, len(slots), candidates)
    return _Problem(
        list(student_index), list(activity_index), student, activity, fit, capacity, starts, ends
    )


def _reject_duplicates(
    student: IntArray, activity: IntArray, activities: int, candidates: Sequence[Candidate]
) -> None:
    repeated = _first_duplicate(student, activity, activities)
    if repeated is not None:
        pair = candidates[repeated]
        raise ValueError(f"duplicate candidate pair ({pair.student_id!r}, {pair.activity_id!r})")


def _first_duplicate(student: IntArray, activity: IntArray, activities: int) -> int | None:
    """Position of a pair that repeats an earlier one, if any."""
    keys = student * max(activities, 1) + activity
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    return int(order[repeated[0] + 1]) if len(repeated) else None


def _run_rounds(
    problem: _Problem, max_places: int, deadline: float
) -> tuple[BoolArray, list[RoundReport]]:
    """Runs rounds 1..max_places; returns the used-pair mask and one report per round."""
    students = len(problem.student_ids)
    if len(problem.student) > MAX_PAIRS:
        raise TooLarge(
            f"{len(problem.student):,} candidate pairs of {students:,} students, more than the"
            f" {MAX_PAIRS:,} the exact allocation takes"
        )
    used = np.zeros(len(problem.student), dtype=np.bool_)
    places = np.full((students, max_places), -1, dtype=np.int64)
    remaining = problem.capacity.copy()
    reports: list[RoundReport] = []
    for number in range(1, max_places + 1):
        current = _round(problem, used, places[:, : number - 1], remaining, number)
        if current.students == 0:
            break
        if number > 1 and time.perf_counter() > deadline:
            reports.append(_skipped(number, current))
            continue
        count = _max_placeable(current)
        chosen, prices = _transport(current, count)
        reports.append(_certify(number, current, chosen, count, prices))
        pairs = current.pairs[chosen]
        used[pairs] = True
        places[problem.student[pairs], number - 1] = problem.activity[pairs]
        remaining -= np.bincount(problem.activity[pairs], minlength=len(remaining))
    return used, reports


def _round(
    problem: _Problem, used: BoolArray, places: IntArray, remaining: IntArray, number: int
) -> _Round:
    """The pairs open in round ``number``: eligible student, free capacity, no clash."""
    held = (places >= 0).sum(axis=1)
    eligible = held[problem.student] == number - 1
    room = remaining[problem.activity] > 0
    pairs = np.flatnonzero(eligible & room & ~used & ~_clashes(problem, places))
    local_ids, student = np.unique(problem.student[pairs], return_inverse=True)
    return _Round(
        pairs=pairs,
        student=student.astype(np.int64),
        activity=problem.activity[pairs],
        fit=problem.fit[pairs],
        capacity=remaining.copy(),
        students=len(local_ids),
    )


def _clashes(problem: _Problem, places: IntArray) -> BoolArray:
    """Pairs whose interval overlaps one of the student's places (or is that place)."""
    clash = np.zeros(len(problem.student), dtype=np.bool_)
    mine = problem.activity
    for column in places.T:
        other = column[problem.student]
        held = other >= 0
        other = np.where(held, other, 0)
        overlap = (problem.starts[mine] < problem.ends[other]) & (
            problem.starts[other] < problem.ends[mine]
        )
        clash |= held & overlap
    return clash


def _transport(current: _Round, count: int) -> tuple[BoolArray, FloatArray]:
    """The most fit among the round's b-matchings that place exactly ``count`` students, as a
    mask over its pairs, with the activity multipliers ``p`` that prove it (module doc)."""
    students, activities = current.students, len(current.capacity)
    if count == 0:
        return np.zeros(len(current.student), dtype=np.bool_), np.zeros(activities)
    empty, unplaced = students, activities
    rows = np.concatenate([current.student, np.arange(students), np.full(activities, empty)])
    columns = np.concatenate([current.activity, np.full(students, unplaced), np.arange(activities)])
    costs = np.concatenate([_COST_SHIFT - current.fit, np.full(students + activities, _COST_SHIFT)])
    supply = np.concatenate([np.ones(students), [float(current.capacity.sum() - count)]])
    demand = np.concatenate([current.capacity.astype(np.float64), [float(students - count)]])
    # Imported here: POT loads scikit-learn, seconds of start-up for every serving process,
    # while only the solver's worker process solves
    from ot.lp import emd  # noqa: PLC0415

    plan, log = emd(
        supply,
        demand,
        sp.coo_array((costs, (rows, columns)), shape=(students + 1, activities + 1)),
        numItermax=_MAX_PIVOTS,
        log=True,
    )
    if log["warning"] is not None:
        raise RuntimeError(f"the network simplex stopped early: {log['warning']}")
    flow = sp.coo_array(plan)
    placed = (flow.row < students) & (flow.col < activities) & (flow.data > 0.5)
    if placed.sum() != count or not np.array_equal(flow.data, np.round(flow.data)):
        raise RuntimeError("the network simplex returned a flow that is not a matching")
    chosen = _pair_mask(current, flow.row[placed], flow.col[placed])
    # An activity's potential is its price up to one shift for all, which the activities with
    # seats left pin at 0 (the empty seats reach them at no cost); activities without seats
    # have no pairs, and their potential is not defined.
    worth = -np.asarray(log["v"][:activities], dtype=np.float64)
    open_ = current.capacity > 0
    prices = np.where(open_, worth - worth[open_].min(), 0.0)
    return chosen, prices


def _pair_mask(current: _Round, students: IntArray, activities: IntArray) -> BoolArray:
    """Mask of the round's pairs ``(students[i], activities[i])``."""
    width = max(len(current.capacity), 1)
    keys = current.student * width + current.activity
    order = np.argsort(keys)
    found = order[np.searchsorted(keys[order], students * width + activities)]
    mask = np.zeros(len(keys), dtype=np.bool_)
    mask[found] = True
    return mask


def _max_placeable(current: _Round) -> int:
    """Maximum number of students the round can place: a max flow (Dinic, integral)."""
    students, activities = current.students, len(current.capacity)
    source, sink = students + activities, students + activities + 1
    open_ = np.flatnonzero(current.capacity > 0)
    rows = np.concatenate([np.full(students, source), current.student, students + open_])
    columns = np.concatenate(
        [np.arange(students), students + current.activity, np.full(len(open_), sink)]
    )
    capacities = np.concatenate(
        [np.ones(students + len(current.student), dtype=np.int64), current.capacity[open_]]
    )
    graph = sp.csr_matrix(
        (np.minimum(capacities, np.iinfo(np.int32).max).astype(np.int32), (rows, columns)),
        shape=(sink + 1, sink + 1),
    )
    return int(maximum_flow(graph, source, sink).flow_value)


def _fit_bound(current: _Round, prices: FloatArray, count: int) -> float:
    """Weak-duality bound on the fit of any b-matching of the round that places ``count``
    students, valid for any ``prices >= 0``: with ``m_s`` the best ``fit - p_a`` of student
    ``s``, ``sum(max(0, m_s - z)) + capacity @ p + count * z`` for the ``z`` that minimises it
    (the ``count``-th largest ``m_s``)."""
    if count == 0:
        return 0.0
    best = np.full(current.students, -np.inf)
    np.maximum.at(best, current.student, current.fit - prices[current.activity])
    z = float(np.partition(best, current.students - count)[current.students - count])
    return float(np.maximum(best - z, 0.0).sum() + current.capacity @ prices + count * z)


def _certify(
    number: int,
    current: _Round,
    chosen: BoolArray,
    placed_bound: int,
    prices: FloatArray,
) -> RoundReport:
    """Bounds the round's count and fit and reports its relative gap."""
    placed = int(chosen.sum())
    fit = float(current.fit[chosen].sum())
    fit_bound = max(_fit_bound(current, prices, placed), fit)
    if placed < placed_bound:
        gap = (placed_bound - placed) / placed_bound
    else:
        gap = (fit_bound - fit) / fit_bound if fit_bound > 0 else 0.0
    return RoundReport(
        number, current.students, placed, placed_bound, fit, fit_bound, gap, solved=True
    )


def _skipped(number: int, current: _Round) -> RoundReport:
    """A round not run for lack of time: nothing placed, gap 1 if it could place anyone."""
    bound = _max_placeable(current)
    fit_bound = float(current.fit.sum())
    gap = 1.0 if bound > 0 else 0.0
    return RoundReport(number, current.students, 0, bound, 0.0, fit_bound, gap, solved=False)


def _result(
    problem: _Problem, used: BoolArray, rounds: list[RoundReport], seconds: float
) -> AllocationResult:
    pairs = np.flatnonzero(used)
    assignments = sorted(
        (
            Assignment(
                problem.student_ids[int(problem.student[i])],
                problem.activity_ids[int(problem.activity[i])],
                float(problem.fit[i]),
            )
            for i in pairs
        ),
        key=lambda a: (a.student_id, a.activity_id),
    )
    gap = max((report.gap for report in rounds), default=0.0)
    proven = all(report.solved for report in rounds) and gap <= PROOF_TOLERANCE
    return AllocationResult(
        assignments=tuple(assignments),
        objective=math.fsum(a.fit for a in assignments),
        students_total=len(problem.student_ids),
        students_placed=len(np.unique(problem.student[pairs])),
        optimality_gap=0.0 if proven else gap,
        proven_optimal=proven,
        solve_seconds=seconds,
        rounds=tuple(rounds),
    )
