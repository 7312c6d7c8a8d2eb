"""Matching through its gRPC API, beside a real catalogue, over real NATS and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import grpc
import nats
import pytest
from redis.asyncio import Redis

from services.runtime.status import field_violations
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import events_pb2
from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.catalogue.builders import valid_details
from tests.conftest import bearer
from tests.matching.builders import valid_profile
from tests.matching.conftest import Services, running_matching

PLATFORM = bearer("platform")
STUDENT = bearer("student")  # student_id "ana"
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
    """Poll ``check`` until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.05)


async def publish(services: Services, **overrides: Any) -> cat.Activity:
    created = await services.catalogue.CreateActivity(
        cat.CreateActivityRequest(details=valid_details(**overrides)), metadata=PLATFORM
    )
    published = await services.catalogue.PublishActivity(
        cat.PublishActivityRequest(activity_id=created.activity.id), metadata=PLATFORM
    )
    activity: cat.Activity = published.activity
    return activity


async def upsert(services: Services, **overrides: Any) -> pb.VolunteerProfile:
    reply = await services.matching.UpsertProfile(
        pb.UpsertProfileRequest(profile=valid_profile(now(), **overrides)), metadata=PLATFORM
    )
    profile: pb.VolunteerProfile = reply.profile
    return profile


async def recommended_ids(services: Services, student: str = "ana") -> list[str]:
    reply = await services.matching.Recommend(
        pb.RecommendRequest(student_id=student, k=10), metadata=PLATFORM
    )
    return [r.activity.id for r in reply.recommendations]


async def suggestions(stack_url: str) -> list[events_pb2.SuggestionCreated]:
    client = await nats.connect(stack_url)
    js = client.jetstream()
    try:
        info = await js.stream_info("MATCHING")
        found: list[events_pb2.SuggestionCreated] = []
        if info.state.messages == 0:
            return found
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg("MATCHING", seq)
            if message.subject == "se.matching.suggestion.created":
                found.append(events_pb2.SuggestionCreated.FromString(message.data or b""))
        return found
    finally:
        await client.close()


async def test_recommendations_follow_publish_update_and_cancel(services: Services) -> None:
    """The index applies catalogue events: new, changed and cancelled activities."""
    await upsert(services)
    activity = await publish(services)
    assert activity.id in await eventually(lambda: recommended_ids(services))

    changed = valid_details(title="Beach clean-up with a picnic")
    await services.catalogue.UpdateActivity(
        cat.UpdateActivityRequest(
            activity_id=activity.id, expected_version=activity.version, details=changed
        ),
        metadata=PLATFORM,
    )

    async def shows_new_title() -> bool:
        reply = await services.matching.Recommend(
            pb.RecommendRequest(student_id="ana"), metadata=PLATFORM
        )
        return any(r.activity.details.title == changed.title for r in reply.recommendations)

    assert await eventually(shows_new_title)
    await services.catalogue.CancelActivity(
        cat.CancelActivityRequest(activity_id=activity.id, reason="Storm"), metadata=PLATFORM
    )

    async def gone() -> bool:
        return activity.id not in await recommended_ids(services)

    assert await eventually(gone, timeout=1.0)


async def test_a_new_replica_rebuilds_its_index_from_the_stream(services: Services) -> None:
    """A replica started later serves the activities published before it existed."""
    await upsert(services)
    published = {(await publish(services)).id for _ in range(3)}
    async with running_matching(services.stack, "matching-2") as (second, _):
        reply = await second.Recommend(pb.RecommendRequest(student_id="ana"), metadata=PLATFORM)
        assert published <= {r.activity.id for r in reply.recommendations}


async def test_enrolled_activities_are_not_recommended_again(services: Services) -> None:
    """After enrolling, the student no longer sees the activity among suggestions."""
    await upsert(services)
    activity = await publish(services)
    assert activity.id in await eventually(lambda: recommended_ids(services))
    await services.catalogue.EnrolStudent(
        cat.EnrolStudentRequest(activity_id=activity.id, student_id="ana"), metadata=STUDENT
    )

    async def gone() -> bool:
        return activity.id not in await recommended_ids(services)

    assert await eventually(gone)


async def test_reverse_matching_suggests_within_the_weekly_budget_and_never_twice(
    services: Services,
) -> None:
    """Five suitable activities give the opted-in student three suggestions, each once."""
    await upsert(services)
    await upsert(services, student_id="ben", suggestions_opt_in=False)
    for n in range(5):
        await publish(services, title=f"Beach clean-up number {n + 1}")

    async def three() -> list[events_pb2.SuggestionCreated]:
        found = await suggestions(services.stack.nats_url)
        return found if len(found) >= 3 else []

    found = await eventually(three)
    await asyncio.sleep(0.5)  # let the remaining publications be processed too
    found = await suggestions(services.stack.nats_url)
    assert [s.student_id for s in found] == ["ana"] * 3
    assert len({s.activity_id for s in found}) == 3
    assert all(s.explanation and s.activity_title for s in found)
    assert all(s.reasons[0].signal == "cause" and s.reasons[0].causes for s in found)
    assert all(list(s.facts.shared_languages) == ["en", "es"] for s in found)


async def test_a_redelivered_publication_suggests_nothing_new(services: Services) -> None:
    """The same ActivityPublished handled again (after the dedupe window) changes nothing."""
    await upsert(services)
    await publish(services)
    first = await eventually(lambda: suggestions(services.stack.nats_url))
    assert len(first) == 1
    client = await nats.connect(services.stack.nats_url)
    js = client.jetstream()
    original = await js.get_msg("CATALOGUE", 1)
    await js.publish(original.subject or "", original.data or b"")  # a new message id
    await client.close()
    await asyncio.sleep(1.0)
    assert len(await suggestions(services.stack.nats_url)) == 1


async def announced(services: Services, subject: str, student: str = "ana") -> bool:
    """The last profile event of ``subject`` on the MATCHING stream names ``student``."""
    client = await nats.connect(services.stack.nats_url)
    try:
        message = await client.jetstream().get_last_msg("MATCHING", subject)
    except Exception:
        return False
    finally:
        await client.close()
    # ProfileErased and ProfileRecreated share their fields.
    return events_pb2.ProfileErased.FromString(message.data or b"").student_id == student


async def test_erasure_removes_every_trace_and_announces_it(
    services: Services, redis_client: Redis
) -> None:
    """After EraseProfile nothing in matching's keys mentions the student."""
    await upsert(services)
    activity = await publish(services)
    await services.matching.RecordFeedback(
        pb.RecordFeedbackRequest(
            feedback=pb.Feedback(
                student_id="ana", activity_id=activity.id, kind=pb.FEEDBACK_KIND_DISMISSED
            )
        ),
        metadata=STUDENT,
    )
    await eventually(lambda: suggestions(services.stack.nats_url))
    await services.matching.EraseProfile(pb.EraseProfileRequest(student_id="ana"), metadata=STUDENT)
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await services.matching.GetProfile(pb.GetProfileRequest(student_id="ana"), metadata=STUDENT)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    leftovers = [k async for k in redis_client.scan_iter(match="matching:*ana*")]
    assert leftovers == []
    assert await redis_client.xlen("matching:feedback") == 0
    for key in [k async for k in redis_client.scan_iter(match="matching:section:*")]:
        assert not await redis_client.sismember(key, "ana")

    assert await eventually(lambda: announced(services, "se.matching.profile.erased"))


async def test_an_erased_student_is_kept_out_until_a_new_profile_announces_them(
    services: Services, redis_client: Redis
) -> None:
    """Feedback about an erased student is refused with FAILED_PRECONDITION and changes
    nothing; a new profile lifts the tombstone and says so on the MATCHING stream."""
    activity = await publish(services)
    await upsert(services)
    await services.matching.EraseProfile(pb.EraseProfileRequest(student_id="ana"), metadata=STUDENT)
    feedback = pb.RecordFeedbackRequest(
        feedback=pb.Feedback(student_id="ana", activity_id=activity.id, kind=pb.FEEDBACK_KIND_SAVED)
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await services.matching.RecordFeedback(feedback, metadata=STUDENT)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "erased" in (refused.value.details() or "")
    assert await redis_client.xlen("matching:feedback") == 0

    await upsert(services)
    await services.matching.RecordFeedback(feedback, metadata=STUDENT)
    assert await redis_client.xlen("matching:feedback") == 1
    assert [k async for k in redis_client.scan_iter(match="matching:tombstone:*")] == []

    assert await eventually(lambda: announced(services, "se.matching.profile.recreated"))
    await upsert(services)  # a profile that was not erased announces nothing
    assert await eventually(lambda: _outbox_empty(redis_client))
    assert await profile_events(services, "se.matching.profile.>") == {
        "se.matching.profile.erased": 1,
        "se.matching.profile.recreated": 1,
    }


async def profile_events(services: Services, subjects: str) -> dict[str, int]:
    """Messages on the MATCHING stream by subject, of those matching ``subjects``."""
    client = await nats.connect(services.stack.nats_url)
    try:
        info = await client.jetstream().stream_info("MATCHING", subjects_filter=subjects)
    finally:
        await client.close()
    return dict(info.state.subjects or {})


async def _outbox_empty(redis: Redis) -> bool:
    return int(await redis.xlen("matching:outbox")) == 0


async def test_week_allocation_respects_capacity_and_places_everyone_it_can(
    services: Services,
) -> None:
    """Six students, two Week activities of three seats: everyone gets one place."""
    start = now() + timedelta(days=40)
    for n in range(2):
        await publish(
            services,
            week_edition="2027-spring",
            capacity=3,
            starts_at=start + timedelta(hours=4 * n),
            ends_at=start + timedelta(hours=4 * n + 2),
        )
    students = [f"student-{n}" for n in range(6)]
    for student in students:
        await upsert(
            services,
            student_id=student,
            week_editions=["2027-spring"],
            departure=now() + timedelta(days=120),
        )

    async def ready() -> bool:
        return len(await recommended_ids(services, students[0])) == 2

    assert await eventually(ready)
    reply = await services.matching.AllocateWeek(
        pb.AllocateWeekRequest(week_edition="2027-spring"), metadata=PLATFORM
    )
    assert reply.students_total == 6
    assert reply.students_placed == 6
    assert sorted(a.student_id for a in reply.assignments) == students
    per_activity: dict[str, int] = {}
    for assignment in reply.assignments:
        per_activity[assignment.activity_id] = per_activity.get(assignment.activity_id, 0) + 1
    assert sorted(per_activity.values()) == [3, 3]
    assert reply.proven_optimal


async def test_recommend_filters_by_sdgs_and_excluded_ids(services: Services) -> None:
    """The filter's SDGs and excluded ids narrow what the student's profile lets through."""
    await upsert(services)
    climate = await publish(services, sdgs=[13])
    shown = await publish(services, sdgs=[4, 13])
    poverty = await publish(services, sdgs=[1])

    async def all_indexed() -> bool:
        return {climate.id, shown.id, poverty.id} <= set(await recommended_ids(services))

    assert await eventually(all_indexed)
    wanted = pb.RecommendFilter(
        sdgs=[13, 17], exclude_activity_ids=[shown.id, "01J9Z8Y7X6W5V4T3S2R1Q0P9N8"]
    )
    reply = await services.matching.Recommend(
        pb.RecommendRequest(student_id="ana", filter=wanted), metadata=STUDENT
    )
    assert [r.activity.id for r in reply.recommendations] == [climate.id]

    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.Recommend(
            pb.RecommendRequest(student_id="ana", filter=pb.RecommendFilter(sdgs=[4, 13, 18])),
            metadata=STUDENT,
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(field_violations(error.value)) == ["filter.sdgs[2]"]


async def test_an_activity_that_fills_up_is_suggested_only_to_who_accepts_a_waitlist(
    services: Services,
) -> None:
    """The last seat taken, the activity leaves the default suggestions but stays available,
    with its waitlist, to a request that accepts one."""
    await upsert(services)
    activity = await publish(services, capacity=1)
    assert activity.id in await eventually(lambda: recommended_ids(services))
    await services.catalogue.EnrolStudent(
        cat.EnrolStudentRequest(activity_id=activity.id, student_id="ben"), metadata=PLATFORM
    )

    async def gone() -> bool:
        return activity.id not in await recommended_ids(services)

    assert await eventually(gone)
    reply = await services.matching.Recommend(
        pb.RecommendRequest(student_id="ana", filter=pb.RecommendFilter(accept_waitlist=True)),
        metadata=STUDENT,
    )
    (found,) = reply.recommendations
    assert found.activity.id == activity.id
    assert found.activity.seats_left == 0
    assert "full, waitlist open" in found.explanation


@pytest.mark.parametrize(
    ("call", "request_message", "token", "code"),
    [
        ("GetProfile", pb.GetProfileRequest(student_id="ana"), None, "UNAUTHENTICATED"),
        (
            "GetProfile",
            pb.GetProfileRequest(student_id="ana"),
            "other_student",
            "PERMISSION_DENIED",
        ),
        ("GetProfile", pb.GetProfileRequest(student_id="ana"), "coordinator", "PERMISSION_DENIED"),
        (
            "EraseProfile",
            pb.EraseProfileRequest(student_id="ana"),
            "other_student",
            "PERMISSION_DENIED",
        ),
        ("Recommend", pb.RecommendRequest(student_id="ana"), "other_student", "PERMISSION_DENIED"),
        (
            "AllocateWeek",
            pb.AllocateWeekRequest(week_edition="2027-spring"),
            "student",
            "PERMISSION_DENIED",
        ),
        (
            "AllocateWeek",
            pb.AllocateWeekRequest(week_edition="2027-spring"),
            "coordinator",
            "PERMISSION_DENIED",
        ),
        ("Recommend", pb.RecommendRequest(student_id="ana", k=51), "student", "INVALID_ARGUMENT"),
        ("GetProfile", pb.GetProfileRequest(student_id="no such!"), "student", "INVALID_ARGUMENT"),
        (
            "AllocateWeek",
            pb.AllocateWeekRequest(week_edition="spring"),
            "platform",
            "INVALID_ARGUMENT",
        ),
        ("GetProfile", pb.GetProfileRequest(student_id="ana"), "student", "NOT_FOUND"),
    ],
)
async def test_auth_and_validation(
    services: Services, call: str, request_message: Any, token: str | None, code: str
) -> None:
    """Each RPC refuses the wrong caller or bad input with the specific status."""
    metadata = bearer(token) if token else ()
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await getattr(services.matching, call)(request_message, metadata=metadata)
    assert error.value.code().name == code


async def test_an_invalid_profile_names_the_field_and_stores_nothing(services: Services) -> None:
    """INVALID_ARGUMENT carries the field; GetProfile still finds nothing."""
    bad = valid_profile(now(), max_distance_km=-1)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.UpsertProfile(
            pb.UpsertProfileRequest(profile=bad), metadata=STUDENT
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "profile.max_distance_km" in field_violations(error.value)
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await services.matching.GetProfile(pb.GetProfileRequest(student_id="ana"), metadata=STUDENT)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
