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
round, only with earlier rounds, and those pairs are removed beforehand. It is solved exactly
as a minimum-cost full matching (scipy's LAPJVsp, Jonker-Volgenant shortest augmenting
paths): each binding activity becomes ``capacity`` identical columns, each non-binding one a
private column per candidate pair, and each student also gets a private "unplaced" column of
cost ``M = students + 3`` while real pairs cost ``2 - fit`` in ``[1, 2]``, so placing one
more student always beats any change in fit (an augmenting path over ``p`` placed students
changes the fit part by less than ``p + 2``). The result is then proven independently of
the solver:

* count: a maximum flow (scipy's Dinic, integral) bounds the number of students the round
  can place; the round is count-optimal when it places exactly that many;
* fit: shortest-path potentials of the residual network (vectorised Bellman-Ford) give
  multipliers ``y_s, p_a >= 0`` and ``z`` for the round's LP relaxation (student rows,
  capacity rows, count fixed to the round's count), and weak duality gives the bound
  ``sum(y) + sum(capacity * p) + count * z + sum(max(0, fit - y_s - p_a - z))``. It is valid
  for any multipliers and equals the round's fit exactly when the matching is optimal (no
  negative cycle in the residual network).

``optimality_gap`` is the largest relative gap of any round's stage objective (count, or fit
when the count is proven) against these bounds, each taken with the earlier rounds fixed; it
is not a gap of the total fit against allocations that ignore fairness, which may well have
a larger total fit. ``proven_optimal`` means every round closed its gap to
:data:`PROOF_TOLERANCE` (floating-point tolerance).

Why not an LP: a round's LP is totally unimodular, but HiGHS through scipy took 31 s
(interior point) to 250 s (dual simplex) on one full-size round, against 3-11 s here. The
private "unplaced" columns also matter for speed: without them LAPJVsp (which skips its
initialisation on rectangular input) took minutes on tight instances.

Time: round 1 (everyone's first place) always runs. ``time_limit_seconds`` is checked
before each later round and bounds the certificate's iterations; one round's matching runs
to completion once started (LAPJVsp cannot be interrupted). A later round that would start
after the limit is skipped: nobody gets that place, and the round is reported unsolved with
gap 1, so the allocation is not ``proven_optimal``.
Memory and time grow with the matching graph: one edge per pair of a non-binding activity,
``capacity`` edges per pair of a binding one (about 3.5 million edges for 20,000 students,
2,000 activities and 400,000 pairs with capacities summing to the number of students; 5-11 s
per round on one core in our runs).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import maximum_flow, min_weight_full_bipartite_matching

MAX_MATCHING_EDGES = 50_000_000
"""Largest matching graph a round builds (about 0.6 GB as a sparse matrix, 3 GB at its peak
while built): past it, :class:`TooLarge` rather than a process out of memory."""

PROOF_TOLERANCE = 1e-9
"""Relative gap under which a round counts as proven optimal (floating-point noise)."""

_DISTANCE_TOLERANCE = 1e-12
"""Bellman-Ford ignores improvements smaller than this (rounding noise on zero cycles)."""

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class TooLarge(Exception):
    """The exact solver would need a matching graph above :data:`MAX_MATCHING_EDGES`."""


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
        chosen = _match(current)
        reports.append(_certify(number, current, chosen, deadline))
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


def _match(current: _Round) -> BoolArray:
    """Maximum-count, then maximum-fit b-matching of one round; a mask over its pairs."""
    graph, column_activity, real_columns = _matching_graph(current)
    rows, columns = min_weight_full_bipartite_matching(graph)
    placed = columns < real_columns
    return _pair_mask(current, rows[placed], column_activity[columns[placed]])


def _matching_graph(current: _Round) -> tuple[sp.csr_matrix, IntArray, int]:
    """Students x columns cost matrix for LAPJVsp (see module doc); column -> activity."""
    activities = len(current.capacity)
    degree = np.bincount(current.activity, minlength=activities)
    binding = current.capacity < degree
    copies = np.where(binding, current.capacity, 0)
    private = np.flatnonzero(~binding[current.activity])
    shared = np.flatnonzero(binding[current.activity])
    first_copy = len(private) + np.cumsum(copies) - copies
    repeats = copies[current.activity[shared]]
    edges = len(private) + int(repeats.sum()) + current.students
    if edges > MAX_MATCHING_EDGES:
        # Each binding activity is as many columns as it has places, each with an edge to
        # every student it has as a candidate: the graph grows with candidates x capacity.
        raise TooLarge(
            f"the exact allocation needs a matching graph of {edges:,} edges, more than"
            f" {MAX_MATCHING_EDGES:,}: {current.students:,} students with"
            f" {len(current.student):,} candidate pairs on activities of"
            f" {float(copies[copies > 0].mean()) if (copies > 0).any() else 0:.0f} places"
            " on average"
        )
    edge = np.repeat(shared, repeats)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    real_columns = len(private) + int(copies.sum())
    students = current.students
    rows = np.concatenate([current.student[private], current.student[edge], np.arange(students)])
    columns = np.concatenate(
        [
            np.arange(len(private)),
            first_copy[current.activity[edge]] + offset,
            real_columns + np.arange(students),
        ]
    )
    costs = np.concatenate(
        [2.0 - current.fit[private], 2.0 - current.fit[edge], np.full(students, students + 3.0)]
    )
    graph = sp.csr_matrix((costs, (rows, columns)), shape=(students, real_columns + students))
    column_activity = np.concatenate(
        [current.activity[private], np.repeat(np.arange(activities), copies)]
    )
    return graph, column_activity, real_columns


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


def _fit_bound(current: _Round, chosen: BoolArray, deadline: float) -> float:
    """Weak-duality bound on the round's fit with its count fixed (see module doc)."""
    students, activities = current.students, len(current.capacity)
    source, sink = students + activities, students + activities + 1
    tails, heads, costs = _residual_arcs(current, chosen)
    distance = _shortest_distances(tails, heads, costs, sink + 1, deadline)
    y = np.maximum(0.0, distance[:students] - distance[source])
    p = np.maximum(0.0, distance[sink] - distance[students:source])
    z = float(distance[source] - distance[sink])
    slack = np.maximum(0.0, current.fit - y[current.student] - p[current.activity] - z)
    count = int(chosen.sum())
    return float(y.sum() + current.capacity @ p + count * z + slack.sum())


def _residual_arcs(current: _Round, chosen: BoolArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Residual network of the matching as min-cost flow: source, students, activities, sink.

    Pair arcs cost ``-fit``; each arc appears in the direction(s) it can still carry flow.
    """
    students, activities = current.students, len(current.capacity)
    source, sink = students + activities, students + activities + 1
    matched = np.bincount(current.student[chosen], minlength=students) > 0
    load = np.bincount(current.activity[chosen], minlength=activities)
    free, full = np.flatnonzero(~matched), np.flatnonzero(matched)
    spare, busy = np.flatnonzero(load < current.capacity), np.flatnonzero(load > 0)
    node = students + current.activity
    tails = np.concatenate(
        [
            np.full(len(free), source),
            full,
            current.student[~chosen],
            node[chosen],
            students + spare,
            np.full(len(busy), sink),
        ]
    )
    heads = np.concatenate(
        [
            free,
            np.full(len(full), source),
            node[~chosen],
            current.student[chosen],
            np.full(len(spare), sink),
            students + busy,
        ]
    )
    costs = np.concatenate(
        [
            np.zeros(len(free) + len(full)),
            -current.fit[~chosen],
            current.fit[chosen],
            np.zeros(len(spare) + len(busy)),
        ]
    )
    return tails.astype(np.int64), heads.astype(np.int64), costs


def _shortest_distances(
    tails: IntArray, heads: IntArray, costs: FloatArray, nodes: int, deadline: float
) -> FloatArray:
    """Bellman-Ford (Jacobi sweeps) from a virtual root linked to every node at cost 0.

    Stops when no distance improves, after ``nodes`` sweeps (a negative cycle: the matching
    is not optimal) or at the deadline (after a first 100 sweeps); any distances it stops
    with still give a valid, if looser, bound.
    """
    distance = np.zeros(nodes)
    if len(tails) == 0:
        return distance
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    targets = heads[starts]
    for sweep in range(nodes):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        improved = best < distance[targets] - _DISTANCE_TOLERANCE
        if not improved.any():
            break
        distance[targets[improved]] = best[improved]
        if sweep >= 100 and time.perf_counter() > deadline:
            break
    return distance


def _certify(number: int, current: _Round, chosen: BoolArray, deadline: float) -> RoundReport:
    """Bounds the round's count and fit and reports its relative gap."""
    placed = int(chosen.sum())
    placed_bound = _max_placeable(current)
    fit = float(current.fit[chosen].sum())
    fit_bound = max(_fit_bound(current, chosen, deadline), fit)
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
