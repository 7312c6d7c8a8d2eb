"""A Week's candidates found for slices of its students in several processes are the very
arrays one process finds, students in the same order."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from services.kernel.sections import load_sections
from services.matching.detached_index import DetachedIndex
from services.matching.signals import Weights
from services.matching.week_slices import (
    SliceSettings,
    candidates_here,
    candidates_in_processes,
    processes_for,
    slice_bounds,
)
from tests.matching.test_week_candidates import EDITION, NOW, edition_index, student

CHUNK = 10
"""Students whose pairs are found together: small, so that 150 students make many slices."""


@pytest.mark.parametrize(("students", "slices", "chunk"), [(150, 8, 10), (1, 4, 10), (95, 3, 10)])
def test_slices_are_whole_chunks_in_order_none_empty(
    students: int, slices: int, chunk: int
) -> None:
    bounds = slice_bounds(students, slices, chunk)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == students
    assert all(last == first for (_, last), (first, _) in itertools.pairwise(bounds))
    assert all(first < last for first, last in bounds)
    assert all(first % chunk == 0 for first, _ in bounds)
    assert len(bounds) == min(slices, math.ceil(students / chunk))


def test_processes_share_only_weeks_worth_it() -> None:
    assert processes_for(350_000, 2) == 2
    assert processes_for(350_000, 1) == 1
    assert processes_for(30_000, 2) == 1  # starting a process costs more than it saves
    assert processes_for(30, 4, fewest=10) == 3


def settings_and_profiles() -> tuple[SliceSettings, list[bytes]]:
    rng = random.Random(23)
    index = edition_index(rng)
    profiles = sorted((student(rng, n) for n in range(150)), key=lambda p: p.student_id)
    settings = SliceSettings(
        DetachedIndex.of(index),
        EDITION,
        math.floor(NOW.timestamp()),
        Weights(),
        {section.section_id: section for section in load_sections()},
        student_chunk=CHUNK,
    )
    return settings, [profile.SerializeToString() for profile in profiles]


def test_candidates_found_in_processes_are_those_found_in_one() -> None:
    settings, profiles = settings_and_profiles()
    here = candidates_here(settings, settings.index.restored(), profiles)
    shared = candidates_in_processes(settings, profiles, 2)
    assert shared.student_ids == here.student_ids == sorted(here.student_ids)
    for field in ("student", "row", "fit", "in_reach", "eligible"):
        mine, theirs = getattr(here.candidates, field), getattr(shared.candidates, field)
        assert mine.dtype == theirs.dtype, field
        assert mine.tobytes() == theirs.tobytes(), field  # the same to the bit, in order
    assert here.candidates.student.size > 0
    assert here.candidates.in_reach.any()
    assert (~here.candidates.eligible).any()
    assert len(set(here.candidates.student.tolist())) > 2 * CHUNK  # pairs of many slices
