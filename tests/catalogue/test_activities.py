"""Activity life cycle through the gRPC API, against real Redis and NATS."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from services.runtime.status import field_violations
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1 import events_pb2
from tests.catalogue.builders import valid_details
from tests.catalogue.conftest import Catalogue, EventLog
from tests.conftest import bearer

COORDINATOR = bearer("coordinator")


async def create(catalogue: Catalogue, **overrides: Any) -> pb.Activity:
    response = await catalogue.stub.CreateActivity(
        pb.CreateActivityRequest(details=valid_details(**overrides)), metadata=COORDINATOR
    )
    activity: pb.Activity = response.activity
    return activity


async def test_create_makes_a_draft_with_version_one_and_all_seats_left(
    catalogue: Catalogue,
) -> None:
    activity = await create(catalogue, capacity=12)
    assert activity.state == pb.ACTIVITY_STATE_DRAFT
    assert activity.version == 1
    assert activity.seats_left == 12
    assert len(activity.id) == 26
    fetched = await catalogue.stub.GetActivity(
        pb.GetActivityRequest(activity_id=activity.id), metadata=COORDINATOR
    )
    assert fetched.activity == activity


async def test_create_with_the_same_request_id_returns_the_first_activity(
    catalogue: Catalogue,
) -> None:
    request = pb.CreateActivityRequest(details=valid_details(), request_id="form-42")
    first = await catalogue.stub.CreateActivity(request, metadata=COORDINATOR)
    second = await catalogue.stub.CreateActivity(request, metadata=COORDINATOR)
    assert first.activity.id == second.activity.id


async def test_update_replaces_details_and_rejects_a_stale_version(catalogue: Catalogue) -> None:
    activity = await create(catalogue)
    changed = valid_details(title="Beach clean-up, second edition")
    updated = await catalogue.stub.UpdateActivity(
        pb.UpdateActivityRequest(activity_id=activity.id, expected_version=1, details=changed),
        metadata=COORDINATOR,
    )
    assert updated.activity.version == 2
    assert updated.activity.details.title == "Beach clean-up, second edition"
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await catalogue.stub.UpdateActivity(
            pb.UpdateActivityRequest(activity_id=activity.id, expected_version=1, details=changed),
            metadata=COORDINATOR,
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED


async def test_publish_then_cancel_emit_their_events_once(
    catalogue: Catalogue, event_log: EventLog
) -> None:
    activity = await create(catalogue)
    published = await catalogue.stub.PublishActivity(
        pb.PublishActivityRequest(activity_id=activity.id), metadata=COORDINATOR
    )
    assert published.activity.state == pb.ACTIVITY_STATE_PUBLISHED
    cancelled = await catalogue.stub.CancelActivity(
        pb.CancelActivityRequest(activity_id=activity.id, reason="Storm warning"),
        metadata=COORDINATOR,
    )
    assert cancelled.activity.state == pb.ACTIVITY_STATE_CANCELLED
    messages = await event_log.wait_for(2)
    assert [m.subject for m in messages] == [
        "se.catalogue.activity.published",
        "se.catalogue.activity.cancelled",
    ]
    event = events_pb2.ActivityCancelled.FromString(messages[1].data or b"")
    assert event.reason == "Storm warning"
    assert event.activity.id == activity.id
    assert messages[1].headers is not None
    assert messages[1].headers["Nats-Msg-Id"] == event.event_id


async def test_invalid_details_name_the_field_and_store_nothing(catalogue: Catalogue) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await catalogue.stub.CreateActivity(
            pb.CreateActivityRequest(details=valid_details(capacity=0, title="")),
            metadata=COORDINATOR,
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = field_violations(error.value)
    assert {"details.capacity", "details.title"} <= set(violations)
    listed = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(filter=pb.ActivityFilter(states=[pb.ACTIVITY_STATE_DRAFT])),
        metadata=COORDINATOR,
    )
    assert list(listed.activities) == []


async def test_a_draft_cancelled_before_publishing_stays_private(catalogue: Catalogue) -> None:
    """Only managers see an activity that was never published, even once cancelled."""
    activity = await create(catalogue)
    await catalogue.stub.CancelActivity(
        pb.CancelActivityRequest(activity_id=activity.id, reason="Plans changed"),
        metadata=COORDINATOR,
    )
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await catalogue.stub.GetActivity(
            pb.GetActivityRequest(activity_id=activity.id), metadata=bearer("student")
        )
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    listed = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(filter=pb.ActivityFilter(states=[pb.ACTIVITY_STATE_CANCELLED])),
        metadata=bearer("student"),
    )
    assert list(listed.activities) == []
    seen = await catalogue.stub.GetActivity(
        pb.GetActivityRequest(activity_id=activity.id), metadata=COORDINATOR
    )
    assert seen.activity.state == pb.ACTIVITY_STATE_CANCELLED
    assert not seen.activity.HasField("published_at")
