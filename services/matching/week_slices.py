"""A Week's candidates found for slices of its students in several processes at once, then
put together in student order: the very arrays one process finds
(:func:`~services.matching.week_candidates.week_candidates`), as each student's candidates
depend on their own profile and the index only.

The index and the Week's settings go to each process once, as it starts; each slice then
sends its students' profiles as stored (parsing them is part of the work shared out) and
gets back their ids and candidates. Slices are made of whole chunks of
:data:`~services.matching.week_candidates.STUDENT_CHUNK` students, so that each chunk holds
the same students as in one process and the pairs come in the same order; each process takes
several slices, one after another, so that one slowed down by other work on the machine takes
fewer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from services.matching.detached_index import DetachedIndex
from services.matching.index import ActivityIndex
from services.matching.refit_worker import kill, worker_pool
from services.matching.signals import Weights
from services.matching.student import SectionDirectory
from services.matching.week_candidates import (
    STUDENT_CHUNK,
    WeekCandidates,
    concatenated,
    week_candidates,
)
from socialerasmus.matching.v1.matching_pb2 import VolunteerProfile

SLICES_PER_PROCESS = 4
STUDENTS_PER_PROCESS_MIN = 25_000
"""Fewer students than this per process, and starting the processes (over a second each,
importing the project) costs more than it saves: the candidates are found in one."""


@dataclass(frozen=True, slots=True)
class SliceSettings:
    """What every slice's candidates are found with (sent to each process once)."""

    index: DetachedIndex
    edition: str
    now: int
    """Epoch seconds."""
    weights: Weights
    sections: SectionDirectory
    student_chunk: int = STUDENT_CHUNK


@dataclass(frozen=True, slots=True)
class FoundCandidates:
    student_ids: list[str]
    """Of the profiles, in order (the candidates number the students so)."""
    candidates: WeekCandidates


def processes_for(students: int, most: int, fewest: int = STUDENTS_PER_PROCESS_MIN) -> int:
    """How many processes find the candidates of ``students``: ``most`` at most, each with at
    least ``fewest`` students; 1 means this one."""
    return max(1, min(most, students // max(fewest, 1)))


def slice_bounds(students: int, slices: int, chunk: int) -> list[tuple[int, int]]:
    """``[first, last)`` of at most ``slices`` consecutive slices of ``students``, as even as
    whole chunks of ``chunk`` students allow, none empty."""
    chunks = math.ceil(students / chunk)
    slices = max(1, min(slices, chunks))
    ends = [chunks * (n + 1) // slices * chunk for n in range(slices)]
    starts = [0, *ends[:-1]]
    return [(first, min(last, students)) for first, last in zip(starts, ends, strict=True)]


def candidates_here(
    settings: SliceSettings, index: ActivityIndex, profiles: Sequence[bytes]
) -> FoundCandidates:
    """The candidates of ``profiles`` (serialised) found in this process, with ``index`` (the
    settings' index, restored)."""
    return _found(settings, index, profiles)


def candidates_in_processes(
    settings: SliceSettings, profiles: Sequence[bytes], processes: int
) -> FoundCandidates:
    """The candidates of ``profiles`` (serialised), found in ``processes`` new processes,
    :data:`SLICES_PER_PROCESS` slices each; the same as :func:`candidates_here`."""
    bounds = slice_bounds(len(profiles), processes * SLICES_PER_PROCESS, settings.student_chunk)
    pool = worker_pool(min(processes, len(bounds)), initializer=_receive, initargs=(settings,))
    try:
        futures: list[Future[FoundCandidates]] = [
            pool.submit(_slice_candidates, list(profiles[first:last])) for first, last in bounds
        ]
        parts = [future.result() for future in futures]
    except BrokenProcessPool as error:
        kill(pool)  # raised as it is, it would say that this process's own pool broke
        raise RuntimeError("a process finding the Week's candidates stopped") from error
    except BaseException:
        kill(pool)
        raise
    pool.shutdown()
    return FoundCandidates(
        [student_id for part in parts for student_id in part.student_ids],
        concatenated([part.candidates for part in parts]),
    )


_received: tuple[SliceSettings, ActivityIndex] | None = None
"""In a process finding slices: the settings and the index they carry, restored once."""


def _receive(settings: SliceSettings) -> None:
    global _received  # noqa: PLW0603 - one per process, set as it starts
    _received = (settings, settings.index.restored())


def _slice_candidates(profiles: list[bytes]) -> FoundCandidates:
    if _received is None:
        raise RuntimeError("the process was not given the Week's settings")
    settings, index = _received
    return _found(settings, index, profiles)


def _found(settings: SliceSettings, index: ActivityIndex, raws: Sequence[bytes]) -> FoundCandidates:
    profiles = [VolunteerProfile.FromString(raw) for raw in raws]
    candidates = week_candidates(
        index,
        profiles,
        settings.edition,
        now=settings.now,
        weights=settings.weights,
        sections=settings.sections,
        student_chunk=settings.student_chunk,
    )
    return FoundCandidates([profile.student_id for profile in profiles], candidates)
