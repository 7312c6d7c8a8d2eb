"""A Week allocation as the solver's worker process runs it, whole: the serving process hands
over a copy of its index and a reader of the profiles, and gets the allocation back
serialised.

Each step of a network-wide Week (350,000 students) takes seconds of one interpreter:
parsing the profiles, finding the candidates, solving, building and serialising the
allocation. On the serving process's loop, even cut into steps, they held every other
request: a gRPC call needs several turns of the loop, and each turn waited for a step. So the
serving process only copies its index (between two events, as a snapshot does), sends it,
and stores what comes back; the worker reads the profiles from Redis itself, and a large
Week's candidates are found in processes of their own, several at once (week_slices).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.matching.allocation_blocks import StoredAllocation, blocks_of
from services.matching.detached_index import DetachedIndex
from services.matching.limits import ALLOCATION_BLOCK_ENTRIES
from services.matching.signals import Weights
from services.matching.student import SectionDirectory
from services.matching.week_allocation import allocate_candidates, first_page
from services.matching.week_candidates import STUDENT_CHUNK
from services.matching.week_slices import (
    STUDENTS_PER_PROCESS_MIN,
    SliceSettings,
    candidates_here,
    candidates_in_processes,
    processes_for,
)
from socialerasmus.matching.v1.matching_pb2 import AllocateWeekResponse

__all__ = ["DetachedIndex", "ProfileReader", "WeekJob", "WeekOutcome"]


class ProfileReader(Protocol):
    def serialised(self) -> Sequence[bytes]:
        """The profiles of the edition's students, serialised, sorted by student id."""
        ...


@dataclass(frozen=True, slots=True)
class WeekOutcome:
    stored: StoredAllocation
    """The allocation as stored: every assignment and unplaced student, in blocks."""
    page: AllocateWeekResponse
    """The allocation as answered: its first page."""
    proposed: AllocateWeekResponse
    """Only the first assignments, as many as the allocation's event carries."""


@dataclass(frozen=True, slots=True)
class WeekJob:
    """One Week allocation, to run in the worker process (it pickles)."""

    index: DetachedIndex
    edition: str
    activity_ids: Sequence[str]
    """Of the edition's rows, in order."""
    profiles: ProfileReader
    now: int
    """Epoch seconds."""
    weights: Weights
    sections: SectionDirectory
    max_places_per_student: int
    page_size: int
    proposed: int
    """Assignments the allocation's event carries, at most."""
    allocation_id: str
    processes: int = 1
    """Most processes that find the candidates (see week_slices): 1, only this one."""
    students_per_process: int = STUDENTS_PER_PROCESS_MIN
    """Fewest students a process finds the candidates of."""
    student_chunk: int = STUDENT_CHUNK
    block_entries: int = ALLOCATION_BLOCK_ENTRIES
    """Entries per stored block (see allocation_blocks)."""

    def __call__(self) -> WeekOutcome:
        index = self.index.restored()
        settings = SliceSettings(
            self.index, self.edition, self.now, self.weights, self.sections, self.student_chunk
        )
        profiles = self.profiles.serialised()
        processes = processes_for(len(profiles), self.processes, self.students_per_process)
        started = time.perf_counter()
        if processes > 1:
            found = candidates_in_processes(settings, profiles, processes)
        else:
            found = candidates_here(settings, index, profiles)
        candidate_seconds = time.perf_counter() - started
        # The solver, which needs the most memory, runs without the profiles (75 MB for a
        # network-wide Week's 350,000, serialised).
        del profiles
        allocation = allocate_candidates(
            index,
            self.edition,
            self.activity_ids,
            found.student_ids,
            found.candidates,
            candidate_seconds=candidate_seconds,
            max_places_per_student=self.max_places_per_student,
            allocation_id=self.allocation_id,
        )
        return WeekOutcome(
            stored=blocks_of(allocation, self.block_entries),
            page=first_page(allocation, self.page_size),
            proposed=AllocateWeekResponse(assignments=allocation.assignments[: self.proposed]),
        )
