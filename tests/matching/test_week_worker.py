"""A Week allocated as the solver's worker process does it: from a copy of the index detached
from the serving process and the profiles it reads from Redis itself, to the same allocation
as the live index gives."""

from __future__ import annotations

import asyncio
import math
import pickle
import random

import pytest
from redis.asyncio import Redis

from services.matching import keys
from services.matching.allocation_blocks import page_of
from services.matching.index import ActivityIndex
from services.matching.nearby import SectionMap
from services.matching.signals import Weights
from services.matching.store import MatchingStore, WeekProfilesAt, WeekTooLarge
from services.matching.week_allocation import allocate_edition, first_page
from services.matching.week_worker import DetachedIndex, WeekJob, WeekOutcome
from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.conftest import Stack
from tests.matching.test_week_candidates import EDITION, NOW, edition_index, student

STUDENTS = 150


def edition() -> tuple[ActivityIndex, list[pb.VolunteerProfile], list[str]]:
    """The instance of the candidates' tests, students sorted by id, and the edition's
    activity ids in row order."""
    rng = random.Random(17)
    index = edition_index(rng)
    profiles = sorted(
        (student(rng, n) for n in range(STUDENTS)), key=lambda profile: profile.student_id
    )
    ids = [index.activity_at(row).id for row in index.edition_rows(EDITION).tolist()]
    return index, profiles, ids


def allocated(
    index: ActivityIndex, profiles: list[pb.VolunteerProfile], ids: list[str]
) -> pb.AllocateWeekResponse:
    return allocate_edition(
        index,
        lambda: profiles,
        EDITION,
        ids,
        now=math.floor(NOW.timestamp()),
        weights=Weights(),
        sections=SectionMap(),
        max_places_per_student=2,
        allocation_id="01JWEEK",
    )


def entries(outcome: WeekOutcome) -> pb.ListAllocationResponse:
    """Every assignment and unplaced student the outcome stores, read back from its blocks."""
    index = outcome.stored.index
    return page_of(index, outcome.stored.blocks, 0, index.total)


def without_timing(allocation: pb.AllocateWeekResponse) -> pb.AllocateWeekResponse:
    copy = pb.AllocateWeekResponse()
    copy.CopyFrom(allocation)
    copy.ClearField("candidate_seconds")
    copy.ClearField("solve_seconds")
    return copy


def test_a_detached_copy_of_the_index_allocates_as_the_index_does() -> None:
    index, profiles, ids = edition()
    live = allocated(index, profiles, ids)
    sent = pickle.loads(pickle.dumps(DetachedIndex.of(index)))  # as the worker receives it
    copied = allocated(sent.restored(), profiles, ids)
    assert without_timing(copied) == without_timing(live)
    assert live.proven_optimal
    assert 0 < live.students_placed < STUDENTS
    assert len(live.assignments) > live.students_placed  # some students got two places
    assert {u.reason for u in live.unplaced_students} >= {
        pb.UNPLACED_REASON_NO_CANDIDATE_IN_REACH,
        pb.UNPLACED_REASON_CLASHES,
    }


async def saved(redis_client: Redis, profiles: list[pb.VolunteerProfile]) -> None:
    await MatchingStore(redis_client).save_profiles(profiles)


def job(stack: Stack, index: ActivityIndex, ids: list[str], most: int, **tuning: int) -> WeekJob:
    return WeekJob(
        index=DetachedIndex.of(index),
        edition=EDITION,
        activity_ids=ids,
        profiles=WeekProfilesAt(stack.redis_url, EDITION, most),
        now=math.floor(NOW.timestamp()),
        weights=Weights(),
        sections=SectionMap(),
        max_places_per_student=2,
        page_size=7,
        proposed=3,
        allocation_id="01JWEEK",
        **tuning,
    )


async def test_the_job_reads_the_profiles_itself_and_sends_the_allocation_back_serialised(
    clean_stack: Stack, redis_client: Redis
) -> None:
    index, profiles, ids = edition()
    await saved(redis_client, profiles)
    # A student erased while the Week is read: still in the edition's set, profile gone.
    await redis_client.delete(keys.profile(profiles[0].student_id))
    work = pickle.loads(pickle.dumps(job(clean_stack, index, ids, STUDENTS, block_entries=5)))
    outcome = await asyncio.to_thread(work)
    expected = allocated(index, profiles[1:], ids)
    stored = entries(outcome)
    assert list(stored.assignments) == list(expected.assignments)
    assert list(stored.unplaced_students) == list(expected.unplaced_students)
    assert stored.week_edition == EDITION
    assert len(outcome.stored.blocks) > 2  # in blocks of 5
    page = outcome.page
    assert expected.students_total == STUDENTS - 1
    assert without_timing(page) == without_timing(first_page(expected, 7))
    assert page.next_page_token == "7"
    assert not page.unplaced_students
    assert list(outcome.proposed.assignments) == list(expected.assignments[:3])


async def test_the_job_refuses_an_edition_with_more_students_than_it_takes(
    clean_stack: Stack, redis_client: Redis
) -> None:
    index, profiles, ids = edition()
    await saved(redis_client, profiles)
    with pytest.raises(WeekTooLarge) as refused:
        await asyncio.to_thread(job(clean_stack, index, ids, STUDENTS - 1))
    assert refused.value.students == STUDENTS
    assert pickle.loads(pickle.dumps(refused.value)).students == STUDENTS  # as the worker sends it


async def test_the_job_allocates_the_same_when_processes_share_the_candidates(
    clean_stack: Stack, redis_client: Redis
) -> None:
    index, profiles, ids = edition()
    await saved(redis_client, profiles)
    small = {"student_chunk": 10, "students_per_process": 20}  # slices of a small edition
    alone = await asyncio.to_thread(job(clean_stack, index, ids, STUDENTS, processes=1, **small))
    shared = await asyncio.to_thread(job(clean_stack, index, ids, STUDENTS, processes=2, **small))
    assert entries(shared) == entries(alone)  # every assignment and reason, in order
    page = shared.page
    assert without_timing(page) == without_timing(alone.page)  # objective, counts, proof
    assert page.proven_optimal
    assert 0 < page.students_placed < page.students_total == STUDENTS
    assert {u.reason for u in page.unplaced} >= {
        pb.UNPLACED_REASON_NO_CANDIDATE_IN_REACH,
        pb.UNPLACED_REASON_CLASHES,
    }
