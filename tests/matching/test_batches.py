"""UpsertProfiles and RecordFeedbackBatch through gRPC, over real Redis and NATS: all or
none, every item checked and authorised as the single calls check theirs."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from redis.asyncio import Redis

from services.matching import limits
from services.runtime.status import field_violations, precondition_failures
from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.conftest import bearer
from tests.matching.builders import valid_profile
from tests.matching.conftest import Services
from tests.matching.test_service import (
    announced,
    eventually,
    now,
    profile_events,
    publish,
    recommended_ids,
)

PLATFORM = bearer("platform")
STUDENT = bearer("student")  # student_id "ana"
ACTIVITY_ID = "01J9Z8Y7X6W5V4T3S2R1Q0P9N8"


def profiles(*students: str) -> list[pb.VolunteerProfile]:
    return [valid_profile(now(), student_id=student) for student in students]


def feedback(
    student: str,
    kind: pb.FeedbackKind.ValueType = pb.FEEDBACK_KIND_SAVED,
    activity: str = ACTIVITY_ID,
) -> pb.Feedback:
    return pb.Feedback(student_id=student, activity_id=activity, kind=kind)


async def stored(services: Services, student: str) -> bool:
    try:
        await services.matching.GetProfile(
            pb.GetProfileRequest(student_id=student), metadata=PLATFORM
        )
    except grpc.aio.AioRpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND
        return False
    return True


async def test_upsert_profiles_saves_every_profile_in_order(services: Services) -> None:
    """Each saved profile comes back stamped, in request order, and GetProfile finds it."""
    reply = await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=profiles("ana", "ben", "carla")), metadata=PLATFORM
    )
    assert [p.student_id for p in reply.profiles] == ["ana", "ben", "carla"]
    assert all(p.HasField("updated_at") for p in reply.profiles)
    for student in ("ana", "ben", "carla"):
        assert await stored(services, student)


async def test_one_invalid_profile_names_its_item_and_saves_none(services: Services) -> None:
    """Violations are named ``items[i].field``, duplicates included; nothing is saved."""
    items = [*profiles("ana", "ben"), valid_profile(now(), student_id="ana", max_distance_km=-1)]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.UpsertProfiles(
            pb.UpsertProfilesRequest(items=items), metadata=PLATFORM
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = field_violations(error.value)
    assert set(violations) == {"items[2].max_distance_km", "items[2].student_id"}
    assert "items[0]" in violations["items[2].student_id"]
    assert not await stored(services, "ana")
    assert not await stored(services, "ben")


async def test_a_batch_over_the_limit_is_refused_whole(services: Services) -> None:
    items = [feedback(f"s{n}") for n in range(limits.BATCH_ITEMS_MAX + 1)]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.RecordFeedbackBatch(
            pb.RecordFeedbackBatchRequest(items=items), metadata=PLATFORM
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error.value) == {"items": "must have at most 500 values"}


async def test_an_empty_batch_is_invalid(services: Services) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.UpsertProfiles(pb.UpsertProfilesRequest(), metadata=PLATFORM)
    assert field_violations(error.value) == {"items": "required"}


async def test_a_student_batches_only_for_themselves(
    services: Services, redis_client: Redis
) -> None:
    """A student's batch naming anyone else is refused whole, naming the items."""
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.UpsertProfiles(
            pb.UpsertProfilesRequest(items=profiles("ana", "ben")), metadata=STUDENT
        )
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "items[1]" in (error.value.details() or "")
    assert not await stored(services, "ana")
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.RecordFeedbackBatch(
            pb.RecordFeedbackBatchRequest(
                items=[feedback("ana"), feedback("ben"), feedback("ana")]
            ),
            metadata=STUDENT,
        )
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await redis_client.xlen("matching:feedback") == 0

    await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=profiles("ana")), metadata=STUDENT
    )
    reply = await services.matching.RecordFeedbackBatch(
        pb.RecordFeedbackBatchRequest(items=[feedback("ana"), feedback("ana")]), metadata=STUDENT
    )
    assert reply.recorded == 2


async def test_an_unknown_section_is_not_found_and_saves_nothing(services: Services) -> None:
    items = [
        *profiles("ana"),
        valid_profile(now(), student_id="ben", host_section_id="esn-nowhere"),
    ]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.UpsertProfiles(
            pb.UpsertProfilesRequest(items=items), metadata=PLATFORM
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    assert "items[1]" in (error.value.details() or "")
    assert not await stored(services, "ana")


async def test_feedback_batch_records_in_order_and_excludes_enrolled_activities(
    services: Services, redis_client: Redis
) -> None:
    """Every event lands in the log in request order; ENROLLED takes the activity out of
    the student's recommendations, as RecordFeedback does."""
    activity = await publish(services)
    await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=profiles("ana", "ben")), metadata=PLATFORM
    )
    assert await eventually(lambda: _recommends(services, "ana", activity.id))
    items = [
        feedback("ben", pb.FEEDBACK_KIND_SHOWN, activity.id),
        feedback("ana", pb.FEEDBACK_KIND_ENROLLED, activity.id),
        pb.Feedback(
            student_id="ben", activity_id=activity.id, kind=pb.FEEDBACK_KIND_RATED, rating=4
        ),
    ]
    reply = await services.matching.RecordFeedbackBatch(
        pb.RecordFeedbackBatchRequest(items=items), metadata=PLATFORM
    )
    assert reply.recorded == 3
    entries: Any = await redis_client.xrange("matching:feedback")
    logged = [(f[b"student_id"], int(f[b"kind"]), int(f[b"rating"])) for _, f in entries]
    assert logged == [
        (b"ben", pb.FEEDBACK_KIND_SHOWN, 0),
        (b"ana", pb.FEEDBACK_KIND_ENROLLED, 0),
        (b"ben", pb.FEEDBACK_KIND_RATED, 4),
    ]
    assert activity.id not in await recommended_ids(services, "ana")
    assert activity.id in await recommended_ids(services, "ben")


async def _recommends(services: Services, student: str, activity_id: str) -> bool:
    return activity_id in await recommended_ids(services, student)


async def test_erased_students_are_refused_by_item_and_nothing_is_recorded(
    services: Services, redis_client: Redis
) -> None:
    """FAILED_PRECONDITION names each item of an erased student (PreconditionFailure);
    the other items are not recorded either."""
    await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=profiles("ana", "ben")), metadata=PLATFORM
    )
    await services.matching.EraseProfile(
        pb.EraseProfileRequest(student_id="ben"), metadata=PLATFORM
    )
    items = [feedback("ana"), feedback("ben"), feedback("ana"), feedback("ben")]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await services.matching.RecordFeedbackBatch(
            pb.RecordFeedbackBatchRequest(items=items), metadata=PLATFORM
        )
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert set(precondition_failures(error.value)) == {"items[1]", "items[3]"}
    assert "erased" in (error.value.details() or "")
    assert await redis_client.xlen("matching:feedback") == 0


async def test_a_batch_lifts_tombstones_and_announces_new_profiles(
    services: Services, redis_client: Redis
) -> None:
    """As UpsertProfile does: an erased student's new profile lifts their tombstone and is
    announced on the MATCHING stream; a student who was not erased is not announced."""
    await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=profiles("ana", "ben")), metadata=PLATFORM
    )
    await services.matching.EraseProfile(
        pb.EraseProfileRequest(student_id="ana"), metadata=PLATFORM
    )
    await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=profiles("ben", "ana")), metadata=PLATFORM
    )
    assert [k async for k in redis_client.scan_iter(match="matching:tombstone:*")] == []
    assert await eventually(lambda: announced(services, "se.matching.profile.recreated", "ana"))
    recreated = "se.matching.profile.recreated"
    assert await profile_events(services, recreated) == {recreated: 1}
    reply = await services.matching.RecordFeedbackBatch(
        pb.RecordFeedbackBatchRequest(items=[feedback("ana")]), metadata=PLATFORM
    )
    assert reply.recorded == 1
