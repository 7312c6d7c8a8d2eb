"""Attendance kept by the catalogue becomes matching's ATTENDED feedback: once per student and
activity, withdrawn when corrected to absent, never for an erased student; real Redis and
NATS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import nats
from redis.asyncio import Redis

from services.catalogue import events as catalogue_events
from services.matching import events, keys
from services.matching.store import MatchingStore
from services.runtime.bus import publish
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1.matching_pb2 import FeedbackKind
from tests.conftest import Stack
from tests.matching.builders import valid_profile
from tests.matching.conftest import running_matching
from tests.waiting import eventually

ATTENDED = str(int(FeedbackKind.FEEDBACK_KIND_ATTENDED))
BEACH = "01J00000000000000000000001"
PARK = "01J00000000000000000000002"
MARKED = datetime(2027, 3, 14, 12, 0, tzinfo=UTC)


def marked(student: str, activity_id: str, attended: bool, at: datetime = MARKED) -> cat.Enrolment:
    enrolment = cat.Enrolment(
        activity_id=activity_id,
        student_id=student,
        status=cat.ENROLMENT_STATUS_CONFIRMED,
        attended=attended,
    )
    enrolment.attendance_marked_at.FromDatetime(at)
    return enrolment


async def attended_rows(store: MatchingStore) -> list[tuple[str, str, str]]:
    """(student, activity, at_ms) of every ATTENDED entry of the feedback log."""
    return [
        (row["student_id"], row["activity_id"], row["at_ms"])
        for row in await store.feedback_log()
        if row["kind"] == ATTENDED
    ]


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def test_a_mark_is_one_attended_entry_until_corrected(redis_client: Redis) -> None:
    store = MatchingStore(redis_client)
    later = MARKED + timedelta(minutes=5)

    assert await store.record_attendance("ana", BEACH, True, ms(MARKED)) == "recorded"
    assert await store.record_attendance("ana", BEACH, True, ms(MARKED)) == "unchanged"
    assert await store.record_attendance("ana", BEACH, True, ms(later)) == "unchanged"
    assert await attended_rows(store) == [("ana", BEACH, str(ms(MARKED)))]
    assert len(await redis_client.lrange(keys.feedback_entries("ana"), 0, -1)) == 1

    corrected = later + timedelta(minutes=1)
    assert await store.record_attendance("ana", BEACH, False, ms(corrected)) == "withdrawn"
    assert await attended_rows(store) == []
    assert await redis_client.lrange(keys.feedback_entries("ana"), 0, -1) == []
    # A mark older than the correction (an event delivered late) changes nothing.
    assert await store.record_attendance("ana", BEACH, True, ms(later)) == "unchanged"
    assert await attended_rows(store) == []
    # Present again, after all.
    again = corrected + timedelta(minutes=1)
    assert await store.record_attendance("ana", BEACH, True, ms(again)) == "recorded"
    assert await attended_rows(store) == [("ana", BEACH, str(ms(again)))]


async def test_an_erased_student_leaves_no_mark_and_takes_none(redis_client: Redis) -> None:
    store = MatchingStore(redis_client)
    await store.save_profile(valid_profile())
    await store.record_attendance("ana", BEACH, True, ms(MARKED))
    await store.erase("ana", events.profile_erased("ana"))
    assert await attended_rows(store) == []
    assert await store.record_attendance("ana", PARK, True, ms(MARKED)) == "erased"
    assert [k async for k in redis_client.scan_iter(match="*ana*")] == []


async def test_the_catalogues_attendance_events_reach_the_feedback_log(
    clean_stack: Stack, redis_client: Redis
) -> None:
    store = MatchingStore(redis_client)
    client = await nats.connect(clean_stack.nats_url)
    try:
        async with running_matching(clean_stack):
            js = client.jetstream()
            present = catalogue_events.attendance_marked(marked("ana", BEACH, True))
            await publish(js, present)
            await publish(js, catalogue_events.attendance_marked(marked("ana", BEACH, True)))
            await publish(js, catalogue_events.attendance_marked(marked("ben", PARK, False)))
            await publish(js, catalogue_events.attendance_marked(marked("eva", PARK, True)))

            async def learnt() -> bool:
                return ("eva", PARK, str(ms(MARKED))) in await attended_rows(store)

            await eventually(learnt, "eva's attendance in the feedback log")
            # One consumer, in stream order: ana's repeat and ben's absence came before eva.
            assert sorted(await attended_rows(store)) == [
                ("ana", BEACH, str(ms(MARKED))),
                ("eva", PARK, str(ms(MARKED))),
            ]
    finally:
        await client.close()
