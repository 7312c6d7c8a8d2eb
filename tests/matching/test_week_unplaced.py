"""Week allocation through the real matching service: why each unplaced student got no place,
and the stored allocation read back page by page."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import grpc
import nats
import pytest
from redis.asyncio import Redis

from services.matching import keys, limits
from services.runtime.status import field_violations
from socialerasmus.common.v1.common_pb2 import GeoPoint
from socialerasmus.matching.v1 import events_pb2
from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.matching.conftest import Services
from tests.matching.test_service import PLATFORM, eventually, now, publish, recommended_ids, upsert

EDITION = "2027-spring"
HELSINKI = GeoPoint(latitude=60.1699, longitude=24.9384)


async def crafted_edition(services: Services) -> None:
    """Two Week activities of one seat in Valencia, and seven students opted in:

    * cap-a, cap-b, cap-c: every filter passes, three students for two seats;
    * far: lives in Helsinki, 30 km reach; mute: speaks only Finnish (no candidate in reach);
    * gone: leaves before the Week; busy: free only on another weekday (clashes).
    """
    start = now() + timedelta(days=40)
    for n in range(2):
        await publish(
            services,
            week_edition=EDITION,
            capacity=1,
            starts_at=start + timedelta(hours=3 * n),
            ends_at=start + timedelta(hours=3 * n + 2),
        )
    stay = {"week_editions": [EDITION], "departure": now() + timedelta(days=120)}
    for student in ("cap-a", "cap-b", "cap-c"):
        await upsert(services, student_id=student, **stay)
    await upsert(services, student_id="far", home_location=HELSINKI, **stay)
    await upsert(
        services,
        student_id="mute",
        languages=[pb.LanguageSkill(code="fi", level=pb.LANGUAGE_LEVEL_NATIVE)],
        **stay,
    )
    await upsert(
        services,
        student_id="gone",
        week_editions=[EDITION],
        departure=now() + timedelta(days=10),
    )
    local = start.astimezone(ZoneInfo("Europe/Madrid"))
    other_day = (local.isoweekday() + 2) % 7 + 1  # two days later, never the Week's day
    slot = pb.AvailabilitySlot(
        weekday=pb.Weekday.ValueType(other_day), start_minute=0, end_minute=24 * 60
    )
    await upsert(services, student_id="busy", weekly_availability=[slot], **stay)

    async def ready() -> bool:
        return len(await recommended_ids(services, "cap-a")) == 2

    assert await eventually(ready)


async def test_unplaced_students_are_counted_by_reason(services: Services) -> None:
    await crafted_edition(services)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition=EDITION), metadata=PLATFORM
    )
    assert reply.students_total == 7
    assert reply.students_placed == 2
    assert reply.proven_optimal
    assert {a.student_id for a in reply.assignments} < {"cap-a", "cap-b", "cap-c"}
    assert {pb.UnplacedReason.Name(u.reason): u.students for u in reply.unplaced} == {
        "UNPLACED_REASON_NO_CANDIDATE_IN_REACH": 2,
        "UNPLACED_REASON_CLASHES": 2,
        "UNPLACED_REASON_CAPACITY": 1,
    }
    assert not reply.next_page_token
    assert reply.assignments_total == 2
    assert not reply.unplaced_students  # per student only where the allocation is read back


async def test_allocation_is_read_back_page_by_page_with_each_reason(services: Services) -> None:
    await crafted_edition(services)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition=EDITION, page_size=1), metadata=PLATFORM
    )
    assert len(reply.assignments) == 1
    assert reply.assignments_total == 2
    assert reply.next_page_token
    assignments = list(reply.assignments)
    unplaced: dict[str, str] = {}
    token, pages = reply.next_page_token, 0
    while token:
        page = await services.matching.ListAllocation(
            pb.ListAllocationRequest(
                allocation_id=reply.allocation_id, page_token=token, page_size=2
            ),
            metadata=PLATFORM,
        )
        assert page.week_edition == EDITION
        assert len(page.assignments) + len(page.unplaced_students) <= 2
        assignments.extend(page.assignments)
        unplaced.update(
            (u.student_id, pb.UnplacedReason.Name(u.reason)) for u in page.unplaced_students
        )
        token, pages = page.next_page_token, pages + 1
    assert pages == 3  # 1 assignment and 5 unplaced students left, 2 a page
    placed = sorted(a.student_id for a in assignments)
    assert len(placed) == 2
    (left_out,) = {"cap-a", "cap-b", "cap-c"} - set(placed)
    assert unplaced == {
        "far": "UNPLACED_REASON_NO_CANDIDATE_IN_REACH",
        "mute": "UNPLACED_REASON_NO_CANDIDATE_IN_REACH",
        "gone": "UNPLACED_REASON_CLASHES",
        "busy": "UNPLACED_REASON_CLASHES",
        left_out: "UNPLACED_REASON_CAPACITY",
    }
    whole = await services.matching.ListAllocation(
        pb.ListAllocationRequest(allocation_id=reply.allocation_id), metadata=PLATFORM
    )
    assert sorted(a.student_id for a in whole.assignments) == placed
    assert [u.student_id for u in whole.unplaced_students] == sorted(unplaced)
    assert not whole.next_page_token


@pytest.mark.parametrize(
    ("request_", "code", "field"),
    [
        (
            pb.ListAllocationRequest(allocation_id="01JNOPE", page_token="x"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "page_token",
        ),
        (
            pb.ListAllocationRequest(allocation_id="01JNOPE", page_size=20_001),
            grpc.StatusCode.INVALID_ARGUMENT,
            "page_size",
        ),
        (pb.ListAllocationRequest(), grpc.StatusCode.INVALID_ARGUMENT, "allocation_id"),
        (pb.ListAllocationRequest(allocation_id="01JNOPE"), grpc.StatusCode.NOT_FOUND, None),
    ],
)
async def test_list_allocation_rejects_what_it_cannot_read(
    services: Services, request_: pb.ListAllocationRequest, code: grpc.StatusCode, field: str | None
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await services.matching.ListAllocation(request_, metadata=PLATFORM)
    assert raised.value.code() == code
    if field is not None:
        assert list(field_violations(raised.value)) == [field]


async def test_erasing_a_student_takes_their_reason_out_of_stored_allocations(
    services: Services,
) -> None:
    await crafted_edition(services)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition=EDITION), metadata=PLATFORM
    )
    await services.matching.EraseProfile(
        pb.EraseProfileRequest(student_id="busy"), metadata=PLATFORM
    )
    stored = await services.matching.ListAllocation(
        pb.ListAllocationRequest(allocation_id=reply.allocation_id), metadata=PLATFORM
    )
    assert {u.student_id for u in stored.unplaced_students} == {"far", "mute", "gone"} | (
        {"cap-a", "cap-b", "cap-c"} - {a.student_id for a in stored.assignments}
    )


async def stored_fields(services: Services, allocation_id: str) -> dict[bytes, bytes]:
    client = Redis.from_url(services.stack.redis_url)
    try:
        fields = await client.hgetall(keys.allocation_blocks(allocation_id))
        return {bytes(k): bytes(v) for k, v in fields.items()}  # type: ignore[arg-type]
    finally:
        await client.aclose()


async def every_entry(services: Services, allocation_id: str, size: int) -> list[str]:
    """Students of every page, in order, ``size`` a page."""
    found: list[str] = []
    token = ""
    while True:
        page = await services.matching.ListAllocation(
            pb.ListAllocationRequest(allocation_id=allocation_id, page_token=token, page_size=size),
            metadata=PLATFORM,
        )
        found += [a.student_id for a in page.assignments]
        found += [u.student_id for u in page.unplaced_students]
        token = page.next_page_token
        if not token:
            return found


async def test_pages_read_across_blocks_and_erasure_rewrites_the_blocks(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "ALLOCATION_BLOCK_ENTRIES", 2)
    await crafted_edition(services)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition=EDITION), metadata=PLATFORM
    )
    placed = sorted(a.student_id for a in reply.assignments)
    unplaced = sorted({"cap-a", "cap-b", "cap-c", "far", "mute", "gone", "busy"} - set(placed))
    assert len(await stored_fields(services, reply.allocation_id)) == 1 + 4  # index, 4 blocks
    for size in (1, 3, 7):
        assert await every_entry(services, reply.allocation_id, size) == placed + unplaced
    third = await services.matching.ListAllocation(
        pb.ListAllocationRequest(allocation_id=reply.allocation_id, page_token="3", page_size=3),
        metadata=PLATFORM,
    )
    assert [u.student_id for u in third.unplaced_students] == unplaced[1:4]
    assert third.next_page_token == "6"

    for student_id in (placed[0], "busy"):
        await services.matching.EraseProfile(
            pb.EraseProfileRequest(student_id=student_id), metadata=PLATFORM
        )
    left = [s for s in placed + unplaced if s not in {placed[0], "busy"}]
    for size in (1, 2, 5):
        assert await every_entry(services, reply.allocation_id, size) == left
    stored = await stored_fields(services, reply.allocation_id)
    assert not any(s.encode() in raw for raw in stored.values() for s in (placed[0], "busy"))
    with pytest.raises(grpc.aio.AioRpcError) as past:
        await services.matching.ListAllocation(
            pb.ListAllocationRequest(allocation_id=reply.allocation_id, page_token="6"),
            metadata=PLATFORM,
        )
    assert past.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(field_violations(past.value)) == ["page_token"]


async def test_an_allocation_stored_whole_is_still_read_and_erased(services: Services) -> None:
    """As allocations were stored before blocks, until they expire."""
    whole = pb.AllocateWeekResponse(allocation_id="01JWHOLE", week_edition=EDITION)
    for student_id in ("ann", "bob", "cyd"):
        whole.assignments.add(student_id=student_id, activity_id="act-1", fit=0.5)
    whole.unplaced_students.add(student_id="dan", reason=pb.UNPLACED_REASON_CAPACITY)
    client = Redis.from_url(services.stack.redis_url)
    try:
        await client.set(keys.allocation("01JWHOLE"), whole.SerializeToString(), ex=3600)
        assert await every_entry(services, "01JWHOLE", 2) == ["ann", "bob", "cyd", "dan"]
        await upsert(services, student_id="bob")
        await services.matching.EraseProfile(
            pb.EraseProfileRequest(student_id="bob"), metadata=PLATFORM
        )
        assert await every_entry(services, "01JWHOLE", 2) == ["ann", "cyd", "dan"]
        raw = await client.get(keys.allocation("01JWHOLE"))
        assert raw is not None and b"bob" not in raw
    finally:
        await client.aclose()


async def proposals(stack_url: str) -> list[events_pb2.AllocationProposed]:
    client = await nats.connect(stack_url)
    js = client.jetstream()
    try:
        info = await js.stream_info("MATCHING")
        found = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg("MATCHING", seq)
            if message.subject == "se.matching.allocation.proposed":
                found.append(events_pb2.AllocationProposed.FromString(message.data or b""))
        return found
    finally:
        await client.close()


async def test_the_proposal_event_carries_a_bounded_first_part(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large allocation's event stays small: its first assignments and how many there are."""
    monkeypatch.setattr(limits, "PROPOSED_ASSIGNMENTS_MAX", 1)
    await crafted_edition(services)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition=EDITION), metadata=PLATFORM
    )
    assert len(reply.assignments) == 2  # the response is paged by page_size alone

    async def published() -> list[events_pb2.AllocationProposed]:
        return await proposals(services.stack.nats_url)

    (event,) = await eventually(published)
    assert event.allocation_id == reply.allocation_id
    assert [a.student_id for a in event.assignments] == [reply.assignments[0].student_id]
    assert event.assignments_total == 2


async def test_a_week_of_more_students_than_the_limit_is_refused_with_the_figures(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await crafted_edition(services)
    monkeypatch.setattr(limits, "WEEK_STUDENTS_MAX", 6)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await services.matching.AllocateWeek(
            pb.AllocateWeekRequest(week_edition=EDITION), metadata=PLATFORM
        )
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "7 students, more than the 6" in (refused.value.details() or "")
    monkeypatch.setattr(limits, "WEEK_STUDENTS_MAX", 7)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition=EDITION), metadata=PLATFORM
    )
    assert (reply.students_total, reply.students_placed) == (7, 2)
