"""A Week allocation as the solver's worker process runs it, whole: the serving process hands
over a copy of its index and a reader of the profiles, and gets the allocation back
serialised.

Each step of a network-wide Week (350,000 students) takes seconds of one interpreter:
parsing the profiles, finding the candidates, solving, building and serialising the
allocation. On the serving process's loop, even cut into steps, they held every other
request: a gRPC call needs several turns of the loop, and each turn waited for a step. So the
serving process only copies its index (between two events, as a snapshot does), sends it,
and stores what comes back; the worker reads the profiles from Redis itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.matching.index import ActivityIndex, IndexState
from services.matching.signals import Weights
from services.matching.student import SectionDirectory
from services.matching.text import TextEncoder
from services.matching.week_allocation import allocate_edition, first_page
from socialerasmus.matching.v1.matching_pb2 import AllocateWeekResponse, VolunteerProfile


@dataclass(frozen=True, slots=True)
class DetachedIndex:
    """What an index holds, copied at once and without its activity messages (the Week needs
    their columns, not the messages, which would cost more to send than all the rest)."""

    state: IndexState
    n_features: int

    @classmethod
    def of(cls, index: ActivityIndex) -> DetachedIndex:
        state = index.state()
        return cls(IndexState(state.arrays, state.strings, []), index.encoder.n_features)

    def restored(self) -> ActivityIndex:
        """An index that ranks and filters as the copied one did, holding no activity
        messages."""
        return ActivityIndex.restored(self.state, TextEncoder(self.n_features))


@dataclass(frozen=True, slots=True)
class WeekOutcome:
    allocation: bytes
    """The allocation as stored (``AllocateWeekResponse``, every assignment and unplaced
    student), serialised."""
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
    profiles: Callable[[], Sequence[VolunteerProfile]]
    """Reads the profiles of the edition's students, sorted by student id."""
    now: int
    """Epoch seconds."""
    weights: Weights
    sections: SectionDirectory
    max_places_per_student: int
    page_size: int
    proposed: int
    """Assignments the allocation's event carries, at most."""
    allocation_id: str

    def __call__(self) -> WeekOutcome:
        index = self.index.restored()
        allocation = allocate_edition(
            index,
            self.profiles,
            self.edition,
            self.activity_ids,
            now=self.now,
            weights=self.weights,
            sections=self.sections,
            max_places_per_student=self.max_places_per_student,
            allocation_id=self.allocation_id,
        )
        return WeekOutcome(
            allocation=allocation.SerializeToString(),
            page=first_page(allocation, self.page_size),
            proposed=AllocateWeekResponse(assignments=allocation.assignments[: self.proposed]),
        )
