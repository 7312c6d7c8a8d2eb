"""The implicit-feedback evaluation's calls to the real services (the protocol is in
:mod:`services.matching.implicit_evaluation`).

On a fresh embedded stack (:func:`services.matching.listings_run.embedded_services`), as an
ESN platform importing its history would:

1. every activity of the joins file is published as an identical activity (same neutral
   title, text, causes, place and time, plenty of seats), one at a time in a seeded random
   order, so that the order matching breaks ties in favours no activity;
2. every user gets the same neutral profile (no causes, skills or motivation; English; any
   time; as far as matching allows) through ``UpsertProfiles``;
3. every train join is recorded as ENROLLED through ``RecordFeedbackBatch``, at its time
   (with a split column, in the file's order, a second apart);
4. the run waits until matching has refitted its model over all that feedback
   (:func:`wait_for_refit` asks ``GetModelState``; the embedded matching refits every
   REFIT_SECONDS);
5. ``Recommend`` k for each test user.

With everything else identical, only what matching learns from the feedback can separate
the activities.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from google.protobuf.timestamp_pb2 import Timestamp

from services.matching.implicit_evaluation import DEFAULT_K, ImplicitSplit, JoinRow
from services.matching.limits import BATCH_ITEMS_MAX
from services.matching.listings_run import (
    CALL_TIMEOUT_SECONDS,
    STARTS_IN,
    STAYS_FOR,
    Calls,
    activity_details,
    bounded,
    embedded_services,
    publish_indexed,
    section_of_evaluation,
    student_profile,
)
from socialerasmus.matching.v1 import matching_pb2 as matching

REFIT_SECONDS = 5.0
"""How often the embedded matching refits (SE_MATCHING_RELEARN_SECONDS)."""
REFIT_TIMEOUT_SECONDS = 900.0
BATCHES_IN_FLIGHT = 4
TITLE = "Volunteering project"
DESCRIPTION = "A volunteering project of the local ESN section."

Progress = Callable[[str], None]
T = TypeVar("T")


def student_ids(users: Sequence[str]) -> dict[str, str]:
    """A valid student id for each user of the file, whatever its ids look like."""
    return {user: f"joins-{number}" for number, user in enumerate(users)}


def _stamp(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromMilliseconds(round(seconds * 1000))
    return stamp


def feedback_of(
    split: ImplicitSplit, students: dict[str, str], activity_of: dict[str, str], now: datetime
) -> list[matching.Feedback]:
    """Every train join as ENROLLED, at its time; without times (a split column), a second
    apart in file order, ending a day before ``now``."""
    timed = any(row.time for row in split.train)
    first = now.timestamp() - 86_400 - len(split.train)

    def at(number: int, row: JoinRow) -> Timestamp:
        return _stamp(row.time if timed else first + number)

    return [
        matching.Feedback(
            student_id=students[row.user],
            activity_id=activity_of[row.item],
            kind=matching.FEEDBACK_KIND_ENROLLED,
            occurred_at=at(number, row),
        )
        for number, row in enumerate(split.train)
    ]


async def wait_for_refit(
    calls: Calls, feedback: int, timeout: float = REFIT_TIMEOUT_SECONDS
) -> float:
    """Seconds until matching's model state says it refitted over at least ``feedback``
    rows (``GetModelState``)."""
    started = asyncio.get_running_loop().time()
    while True:
        reply = await calls.matching.GetModelState(
            matching.GetModelStateRequest(), metadata=calls.metadata, timeout=CALL_TIMEOUT_SECONDS
        )
        if reply.state.feedback_rows >= feedback:
            return asyncio.get_running_loop().time() - started
        if asyncio.get_running_loop().time() - started > timeout:
            raise TimeoutError(f"matching did not refit over {feedback} feedback rows in time")
        await asyncio.sleep(0.5)


async def recommend_for_test_users(
    split: ImplicitSplit,
    *,
    k: int = DEFAULT_K,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Each test user's top ``k`` from Recommend, as activities of the file (ids of anything
    else are kept as they are: they match no test join), and the seconds of each step."""
    say = progress or (lambda _line: None)
    now = datetime.now(UTC)
    section = section_of_evaluation()
    starts = (now + STARTS_IN).replace(minute=0, second=0, microsecond=0)
    order = list(split.items)
    random.Random(seed).shuffle(order)
    students = student_ids(split.users)
    timings: dict[str, float] = {}
    settings = {"SE_MATCHING_RELEARN_SECONDS": str(REFIT_SECONDS)}
    async with embedded_services(settings) as services, Calls.to(services) as calls:
        clock = time.perf_counter()
        say(f"publishing {len(order):,} identical activities")
        details = activity_details(TITLE, DESCRIPTION, starts, section)
        ids = await publish_indexed(calls, [details] * len(order), now)
        activity_of = dict(zip(order, ids, strict=True))
        timings["publish_seconds"] = time.perf_counter() - clock

        clock = time.perf_counter()
        say(f"creating {len(students):,} profiles, {BATCH_ITEMS_MAX} per call")
        arrival, departure = now - timedelta(days=1), now + STAYS_FOR
        profiles = [
            student_profile(student, "", arrival, departure, section)
            for student in students.values()
        ]
        await _in_batches(calls, profiles, _upsert_profiles)
        timings["profiles_seconds"] = time.perf_counter() - clock

        clock = time.perf_counter()
        feedback = feedback_of(split, students, activity_of, now)
        say(f"recording {len(feedback):,} train joins as ENROLLED, {BATCH_ITEMS_MAX} per call")
        await _in_batches(calls, feedback, _record_feedback)
        timings["feedback_seconds"] = time.perf_counter() - clock

        say("waiting for matching to refit over all the feedback")
        timings["refit_wait_seconds"] = await wait_for_refit(calls, len(feedback))

        clock = time.perf_counter()
        users = split.test_users()
        say(f"recommending to {len(users):,} test users")
        lists = await bounded(calls.recommend(students[user], k) for user in users)
        timings["recommend_seconds"] = time.perf_counter() - clock
    item_of = {activity_id: item for item, activity_id in activity_of.items()}
    found = {
        user: [item_of.get(activity_id, activity_id) for activity_id in items]
        for user, items in zip(users, lists, strict=True)
    }
    return found, {name: round(seconds, 2) for name, seconds in timings.items()}


async def _upsert_profiles(calls: Calls, items: list[matching.VolunteerProfile]) -> None:
    await calls.matching.UpsertProfiles(
        matching.UpsertProfilesRequest(items=items),
        metadata=calls.metadata,
        timeout=CALL_TIMEOUT_SECONDS,
    )


async def _record_feedback(calls: Calls, items: list[matching.Feedback]) -> None:
    await calls.matching.RecordFeedbackBatch(
        matching.RecordFeedbackBatchRequest(items=items),
        metadata=calls.metadata,
        timeout=CALL_TIMEOUT_SECONDS,
    )


async def _in_batches(
    calls: Calls, items: Sequence[T], send: Callable[[Calls, list[T]], Awaitable[None]]
) -> None:
    """``send`` every BATCH_ITEMS_MAX items, BATCHES_IN_FLIGHT calls at once."""
    limit = asyncio.Semaphore(BATCHES_IN_FLIGHT)

    async def one(batch: list[T]) -> None:
        async with limit:
            await send(calls, batch)

    await asyncio.gather(
        *(
            one(list(items[start : start + BATCH_ITEMS_MAX]))
            for start in range(0, len(items), BATCH_ITEMS_MAX)
        )
    )
