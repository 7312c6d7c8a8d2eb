"""SocialErasmus Week allocation: the rules on many random instances, the lexicographic
optimum against brute force on small ones, fairness, clashes and input validation."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from services.matching import allocation
from services.matching.allocation import (
    AllocationResult,
    Assignment,
    Candidate,
    Slot,
    allocate,
)

HOUR = 3_600


def slot(activity_id: str, capacity: int, start_hour: int, hours: int = 2) -> Slot:
    return Slot(activity_id, capacity, start_hour * HOUR, (start_hour + hours) * HOUR)


def random_instance(
    seed: int,
    students: int,
    activities: int,
    *,
    max_capacity: int,
    density: float,
    window_hours: int = 8,
) -> tuple[list[Slot], list[Candidate]]:
    """1-3 hour activities starting within a few hours, so clashes are common; continuous fits."""
    rng = np.random.default_rng(seed)
    slots = [
        slot(
            f"a{a}",
            int(rng.integers(0, max_capacity + 1)),
            int(rng.integers(0, window_hours)),
            int(rng.integers(1, 4)),
        )
        for a in range(activities)
    ]
    candidates = [
        Candidate(f"s{s}", f"a{a}", float(rng.random()))
        for s in range(students)
        for a in range(activities)
        if rng.random() < density
    ]
    return slots, candidates


def clash(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def by_student(assignments: Sequence[Assignment]) -> dict[str, list[Assignment]]:
    places: dict[str, list[Assignment]] = {}
    for a in assignments:
        places.setdefault(a.student_id, []).append(a)
    return places


def assert_rules(
    slots: Sequence[Slot],
    candidates: Sequence[Candidate],
    result: AllocationResult,
    max_places: int,
) -> None:
    """Every rule of the module doc, checked from the outside."""
    slot_of = {s.activity_id: s for s in slots}
    fit_of = {(c.student_id, c.activity_id): c.fit for c in candidates}
    for a in result.assignments:
        assert fit_of[(a.student_id, a.activity_id)] == a.fit
    loads = itertools.groupby(sorted(a.activity_id for a in result.assignments))
    for activity_id, taken in loads:
        assert len(list(taken)) <= slot_of[activity_id].capacity
    places = by_student(result.assignments)
    for mine in places.values():
        assert len(mine) <= max_places
        held = [slot_of[a.activity_id] for a in mine]
        assert not any(clash(x, y) for x, y in itertools.combinations(held, 2))
    assert result.students_placed == len(places)
    assert result.students_total == len({c.student_id for c in candidates})
    assert result.objective == pytest.approx(sum(a.fit for a in result.assignments))
    keys = [(a.student_id, a.activity_id) for a in result.assignments]
    assert keys == sorted(set(keys))


def fairness_key(fits_by_student: Iterator[list[float]], max_places: int) -> list[float]:
    """``(n1, f1, n2, f2, ...)``: students with at least k places, sum of their k-th best fits."""
    key = [0.0] * (2 * max_places)
    for fits in fits_by_student:
        for k, fit in enumerate(sorted(fits, reverse=True)):
            key[2 * k] += 1
            key[2 * k + 1] += fit
    return key


def result_key(result: AllocationResult, max_places: int) -> list[float]:
    places = by_student(result.assignments)
    return fairness_key(([a.fit for a in mine] for mine in places.values()), max_places)


def brute_force_key(
    slots: Sequence[Slot], candidates: Sequence[Candidate], max_places: int
) -> list[float]:
    """The best fairness key over every feasible allocation, by exhaustive search."""
    slot_of = {s.activity_id: s for s in slots}
    mine: dict[str, list[Candidate]] = {}
    for c in candidates:
        mine.setdefault(c.student_id, []).append(c)
    options = [
        [
            combo
            for size in range(max_places + 1)
            for combo in itertools.combinations(pairs, size)
            if not any(
                clash(slot_of[x.activity_id], slot_of[y.activity_id])
                for x, y in itertools.combinations(combo, 2)
            )
        ]
        for pairs in mine.values()
    ]
    left = {s.activity_id: s.capacity for s in slots}
    best: list[float] = []
    chosen: list[tuple[Candidate, ...]] = []

    def search(student: int) -> None:
        nonlocal best
        if student == len(options):
            key = fairness_key(([c.fit for c in combo] for combo in chosen), max_places)
            best = max(best, key)
            return
        for combo in options[student]:
            if all(left[c.activity_id] > 0 for c in combo):
                for c in combo:
                    left[c.activity_id] -= 1
                chosen.append(combo)
                search(student + 1)
                chosen.pop()
                for c in combo:
                    left[c.activity_id] += 1

    search(0)
    return best


def test_empty_inputs() -> None:
    for slots in ([], [slot("a", 3, 10)]):
        result = allocate(slots, [], max_places_per_student=2)
        assert result.assignments == ()
        assert (result.objective, result.students_total, result.students_placed) == (0.0, 0, 0)
        assert result.proven_optimal
        assert result.optimality_gap == 0.0


def test_duplicate_candidate_pair_is_rejected() -> None:
    slots = [slot("a", 1, 10), slot("b", 1, 12)]
    pairs = [Candidate("ana", "a", 0.5), Candidate("ana", "b", 0.4), Candidate("ana", "a", 0.9)]
    with pytest.raises(ValueError, match="duplicate candidate pair"):
        allocate(slots, pairs)


@pytest.mark.parametrize(
    ("slots", "candidates", "max_places", "message"),
    [
        ([slot("a", 1, 10), slot("a", 2, 12)], [], 1, "duplicate activity_id"),
        ([slot("a", -1, 10)], [], 1, "capacity"),
        ([Slot("a", 1, 100, 100)], [], 1, "end after"),
        ([slot("a", 1, 10)], [Candidate("ana", "b", 0.5)], 1, "unknown activity"),
        ([slot("a", 1, 10)], [Candidate("ana", "a", 1.5)], 1, "fit"),
        ([slot("a", 1, 10)], [Candidate("ana", "a", float("nan"))], 1, "fit"),
        ([slot("a", 1, 10)], [Candidate("ana", "a", 0.5)], 0, "max_places"),
    ],
)
def test_invalid_input_is_rejected(
    slots: list[Slot], candidates: list[Candidate], max_places: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        allocate(slots, candidates, max_places)


def test_everyone_gets_a_place_before_anyone_gets_a_second() -> None:
    # Ana on both (total 1.7) would beat Ana on b and Ben on a (total 0.9): fairness wins.
    slots = [slot("a", 1, 9), slot("b", 1, 14)]
    pairs = [Candidate("ana", "a", 0.9), Candidate("ana", "b", 0.8), Candidate("ben", "a", 0.1)]
    result = allocate(slots, pairs, max_places_per_student=2)
    assert result.assignments == (Assignment("ana", "b", 0.8), Assignment("ben", "a", 0.1))
    assert result.students_placed == 2
    assert result.proven_optimal


def test_more_students_placed_beats_higher_fit() -> None:
    # One student on c at 1.0 and nobody else, or three students at 0.1 each: three.
    slots = [slot("a", 1, 9), slot("b", 1, 12), slot("c", 1, 15)]
    pairs = [
        Candidate("ana", "c", 1.0),
        Candidate("ana", "a", 0.1),
        Candidate("ben", "a", 0.1),
        Candidate("ben", "b", 0.1),
        Candidate("cai", "b", 0.1),
        Candidate("cai", "c", 0.0),
    ]
    result = allocate(slots, pairs)
    assert result.students_placed == 3
    assert result.proven_optimal


def test_student_whose_candidates_all_clash_gets_one_place() -> None:
    slots = [slot("a", 5, 10, hours=3), slot("b", 5, 12), slot("c", 5, 11)]
    pairs = [Candidate("ana", "a", 0.3), Candidate("ana", "b", 0.9), Candidate("ana", "c", 0.6)]
    result = allocate(slots, pairs, max_places_per_student=3)
    assert result.assignments == (Assignment("ana", "b", 0.9),)
    assert [r.placed for r in result.rounds] == [1]


def test_back_to_back_activities_do_not_clash() -> None:
    slots = [slot("a", 1, 10), slot("b", 1, 12)]
    pairs = [Candidate("ana", "a", 0.5), Candidate("ana", "b", 0.5)]
    result = allocate(slots, pairs, max_places_per_student=2)
    assert len(result.assignments) == 2


def test_a_student_with_no_room_counts_but_is_not_placed() -> None:
    slots = [slot("a", 0, 10), slot("b", 1, 12)]
    pairs = [Candidate("ana", "a", 0.9), Candidate("ben", "b", 0.0)]
    result = allocate(slots, pairs)
    assert result.assignments == (Assignment("ben", "b", 0.0),)
    assert (result.students_total, result.students_placed) == (2, 1)


def test_later_rounds_are_skipped_after_the_time_limit() -> None:
    slots, pairs = random_instance(7, students=20, activities=8, max_capacity=6, density=0.6)
    result = allocate(slots, pairs, max_places_per_student=2, time_limit_seconds=1e-9)
    assert_rules(slots, pairs, result, 2)
    assert result.rounds[0].solved and result.students_placed == result.rounds[0].placed_bound
    assert not result.rounds[1].solved
    assert not result.proven_optimal
    assert result.optimality_gap == 1.0


@pytest.mark.parametrize("seed", range(150))
def test_rules_hold_and_are_proven_on_random_instances(seed: int) -> None:
    rng = np.random.default_rng(10_000 + seed)
    students, activities = int(rng.integers(1, 60)), int(rng.integers(1, 15))
    max_places = int(rng.integers(1, 4))
    slots, pairs = random_instance(
        seed, students, activities, max_capacity=int(rng.integers(1, 8)), density=rng.random()
    )
    result = allocate(slots, pairs, max_places)
    assert_rules(slots, pairs, result, max_places)
    assert result.proven_optimal
    assert result.optimality_gap == 0.0
    assert all(r.placed == r.placed_bound for r in result.rounds)


@pytest.mark.parametrize("seed", range(120))
def test_small_instances_match_brute_force(seed: int) -> None:
    # 5 students x 4 activities with 1 or 2 places; 3 students x 5 activities with 3 places.
    max_places = 1 + seed % 3
    students, activities = (5, 4) if max_places < 3 else (3, 5)
    slots, pairs = random_instance(
        seed,
        students,
        activities,
        max_capacity=1 + (seed // 3) % 3,
        density=0.8,
        window_hours=6 * max_places + 2,
    )
    result = allocate(slots, pairs, max_places)
    assert_rules(slots, pairs, result, max_places)
    assert result_key(result, max_places) == pytest.approx(
        brute_force_key(slots, pairs, max_places), abs=1e-9
    )


@pytest.mark.parametrize("seed", range(20))
def test_fit_bound_holds_for_any_prices(seed: int) -> None:
    # The certificate is weak duality: from any prices it must not fall below the true
    # optimum, and from the solver's prices it must meet it.
    slots, pairs = random_instance(seed, students=5, activities=4, max_capacity=2, density=0.7)
    problem = allocation._index(slots, pairs)
    places = np.full((len(problem.student_ids), 0), -1, dtype=np.int64)
    used = np.zeros(len(problem.student), dtype=np.bool_)
    current = allocation._round(problem, used, places, problem.capacity.copy(), 1)
    count, best_fit = brute_force_key(slots, pairs, 1)
    assert allocation._max_placeable(current) == count
    chosen, prices = allocation._transport(current, int(count))
    assert float(current.fit[chosen].sum()) == pytest.approx(best_fit, abs=1e-12)
    assert allocation._fit_bound(current, prices, int(count)) == pytest.approx(best_fit)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        anything = rng.random(len(prices)) * rng.choice([0.1, 1.0, 3.0])
        assert allocation._fit_bound(current, anything, int(count)) >= best_fit - 1e-9


def ilp_round_one(slots: Sequence[Slot], candidates: Sequence[Candidate]) -> tuple[float, float]:
    """Most students placed, then their most fit, one place each: two integer programs
    (HiGHS branch and bound through scipy), independent of the solver under test."""
    students = sorted({c.student_id for c in candidates})
    row = {s: n for n, s in enumerate(students)}
    column = {s.activity_id: n for n, s in enumerate(slots)}
    pairs = len(candidates)
    x = np.arange(pairs)
    each_student = sparse.csr_array(
        (np.ones(pairs), ([row[c.student_id] for c in candidates], x)), (len(students), pairs)
    )
    each_activity = sparse.csr_array(
        (np.ones(pairs), ([column[c.activity_id] for c in candidates], x)), (len(slots), pairs)
    )
    rules = [
        LinearConstraint(each_student, 0, 1),
        LinearConstraint(each_activity, 0, [s.capacity for s in slots]),
    ]
    whole, unit = np.ones(pairs), Bounds(0, 1)
    count = milp(-whole, constraints=rules, integrality=whole, bounds=unit)
    placed = round(-count.fun)
    fit = np.array([c.fit for c in candidates])
    rules.append(LinearConstraint(whole.reshape(1, -1), placed, placed))
    best = milp(-fit, constraints=rules, integrality=whole, bounds=unit)
    return float(placed), float(-best.fun)


@pytest.mark.parametrize("seed", range(40))
def test_first_places_match_an_integer_program(seed: int) -> None:
    # Larger than brute force reaches, with more students than places: up to 120 students.
    rng = np.random.default_rng(20_000 + seed)
    slots, pairs = random_instance(
        seed,
        int(rng.integers(20, 121)),
        int(rng.integers(3, 16)),
        max_capacity=int(rng.integers(1, 9)),
        density=float(rng.uniform(0.05, 0.5)),
    )
    result = allocate(slots, pairs)
    assert result.proven_optimal
    placed, fit = ilp_round_one(slots, pairs)
    assert result.students_placed == placed
    assert result.objective == pytest.approx(fit, rel=1e-9, abs=1e-9)


def test_same_input_same_allocation() -> None:
    slots, pairs = random_instance(3, students=40, activities=10, max_capacity=5, density=0.5)
    first, second = allocate(slots, pairs, 2), allocate(slots, pairs, 2)
    assert first.assignments == second.assignments


def test_more_pairs_than_the_limit_are_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slots = [slot("a", 2, 10)]
    candidates = [Candidate(f"s{n}", "a", 0.5) for n in range(3)]
    monkeypatch.setattr(allocation, "MAX_PAIRS", 3)
    assert allocation.allocate(slots, candidates).students_placed == 2
    monkeypatch.setattr(allocation, "MAX_PAIRS", 2)
    with pytest.raises(allocation.TooLarge, match="3 candidate pairs of 3 students"):
        allocation.allocate(slots, candidates)


def test_pairs_given_as_arrays_are_allocated_as_candidates_are() -> None:
    slots, candidates = random_instance(4, 40, 6, max_capacity=4, density=0.4)
    ids = sorted({c.student_id for c in candidates} | {"nobody"})
    position = {s.activity_id: n for n, s in enumerate(slots)}
    by_objects = allocation.allocate(slots, candidates, 2)
    by_arrays = allocation.allocate_pairs(
        slots,
        ids,
        np.array([ids.index(c.student_id) for c in candidates]),
        np.array([position[c.activity_id] for c in candidates]),
        np.array([c.fit for c in candidates]),
        max_places_per_student=2,
    )
    assert by_arrays.assignments == by_objects.assignments
    assert by_arrays.proven_optimal
    assert by_arrays.students_total == by_objects.students_total + 1
    with pytest.raises(ValueError, match="duplicate candidate pair"):
        allocation.allocate_pairs(
            slots, ids, np.array([0, 0]), np.array([1, 1]), np.array([0.5, 0.5])
        )
