"""A SocialErasmus Week from its students' profiles to the allocation as stored: each
student's candidates (:mod:`~services.matching.week_candidates`), the places
(:mod:`~services.matching.allocation`) and why each unplaced student got none. Pure: no I/O,
no clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from services.matching.allocation import AllocationResult, Slot, allocate_pairs
from services.matching.index import ActivityIndex
from services.matching.signals import Weights
from services.matching.student import SectionDirectory
from services.matching.week_candidates import (
    UNPLACED_ORDER,
    WeekCandidates,
    unplaced_reasons,
    week_candidates,
)
from socialerasmus.matching.v1.matching_pb2 import (
    AllocateWeekResponse,
    Assignment,
    UnplacedReason,
    UnplacedStudent,
    VolunteerProfile,
)


def edition_slots(index: ActivityIndex, edition: str, activity_ids: Sequence[str]) -> list[Slot]:
    """The edition's activities as slots, in row order; ``activity_ids`` are theirs, in the
    same order (the index may hold no activity messages, as a detached copy does)."""
    rows = index.edition_rows(edition)
    if len(activity_ids) != rows.size:
        raise ValueError(f"{len(activity_ids)} activity ids for {rows.size} activities")
    columns = index.columns
    return [
        Slot(activity_id, int(capacity), int(starts), int(ends))
        for activity_id, capacity, starts, ends in zip(
            activity_ids,
            columns.capacities[rows].tolist(),
            columns.starts[rows].tolist(),
            columns.ends[rows].tolist(),
            strict=True,
        )
    ]


def allocate_edition(
    index: ActivityIndex,
    read_profiles: Callable[[], Sequence[VolunteerProfile]],
    edition: str,
    activity_ids: Sequence[str],
    *,
    now: int,
    weights: Weights,
    sections: SectionDirectory,
    max_places_per_student: int,
    allocation_id: str,
) -> AllocateWeekResponse:
    """The allocation of the edition's activities (``activity_ids``, in row order) to the
    students whose profiles ``read_profiles`` gives, as stored: every assignment and every
    unplaced student with their reason. Candidates come from the rules of Recommend (seats
    ignored: allocation hands out the capacity itself); ``now`` in epoch seconds.

    The profiles are let go once their candidates are found: the solver, which needs the most
    memory, runs without them (600 MB for a network-wide Week's 350,000)."""
    profiles = read_profiles()
    student_ids = [profile.student_id for profile in profiles]
    started = time.perf_counter()
    found = week_candidates(index, profiles, edition, now=now, weights=weights, sections=sections)
    candidate_seconds = time.perf_counter() - started
    del profiles
    return allocate_candidates(
        index,
        edition,
        activity_ids,
        student_ids,
        found,
        candidate_seconds=candidate_seconds,
        max_places_per_student=max_places_per_student,
        allocation_id=allocation_id,
    )


def allocate_candidates(
    index: ActivityIndex,
    edition: str,
    activity_ids: Sequence[str],
    student_ids: list[str],
    found: WeekCandidates,
    *,
    candidate_seconds: float,
    max_places_per_student: int,
    allocation_id: str,
) -> AllocateWeekResponse:
    """The allocation of :func:`allocate_edition` from the students' candidates, found in
    ``candidate_seconds``."""
    slots = edition_slots(index, edition, activity_ids)
    started = time.perf_counter()
    result = allocate_pairs(
        slots,
        student_ids,
        found.student,
        np.searchsorted(index.edition_rows(edition), found.row),
        found.fit,
        max_places_per_student=max_places_per_student,
    )
    solve_seconds = time.perf_counter() - started
    allocation = AllocateWeekResponse(
        allocation_id=allocation_id,
        week_edition=edition,
        assignments=[
            Assignment(student_id=a.student_id, activity_id=a.activity_id, fit=a.fit)
            for a in result.assignments
        ],
        objective=result.objective,
        students_total=len(student_ids),
        students_placed=result.students_placed,
        optimality_gap=result.optimality_gap,
        proven_optimal=result.proven_optimal,
        candidate_seconds=round(candidate_seconds, 3),
        solve_seconds=round(solve_seconds, 3),
        assignments_total=len(result.assignments),
    )
    _add_unplaced(allocation, student_ids, found, result)
    return allocation


def first_page(allocation: AllocateWeekResponse, page_size: int) -> AllocateWeekResponse:
    """The allocation as ``AllocateWeek`` answers it: its first ``page_size`` assignments, the
    counts per reason and no unplaced student (those are read back with ``ListAllocation``)."""
    page = AllocateWeekResponse()
    page.CopyFrom(allocation)
    page.ClearField("unplaced_students")
    del page.assignments[page_size:]
    if len(allocation.assignments) > page_size:
        page.next_page_token = str(page_size)
    return page


def _add_unplaced(
    allocation: AllocateWeekResponse,
    student_ids: list[str],
    found: WeekCandidates,
    result: AllocationResult,
) -> None:
    """Each unplaced student's reason, and the count per reason (see UnplacedReason)."""
    placed = {a.student_id for a in result.assignments}
    reasons = unplaced_reasons(found, np.array([s in placed for s in student_ids], np.bool_))
    for reason in UNPLACED_ORDER:
        count = int((reasons == reason).sum())
        if count:
            allocation.unplaced.add(reason=reason, students=count)
    unplaced = np.flatnonzero(reasons != UnplacedReason.UNPLACED_REASON_UNSPECIFIED)
    order = sorted(unplaced.tolist(), key=student_ids.__getitem__)
    allocation.unplaced_students.extend(
        UnplacedStudent(student_id=student_ids[n], reason=UnplacedReason.ValueType(int(reasons[n])))
        for n in order
    )
