"""Attendance in the catalogue, through the gRPC API against real Redis and NATS: who may mark
it, for which places and when, what it does to the enrolment, and its event."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from redis.asyncio import Redis

from services.catalogue import keys
from services.matching import events as matching_events
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1 import events_pb2
from tests.catalogue.conftest import EventLog, TimedCatalogue
from tests.catalogue.test_enrolments import (
    COORDINATOR,
    cancel,
    decoded,
    enrol,
    listed,
    published,
    relayed_events,
)
from tests.catalogue.test_erasure import announce, naming
from tests.conftest import bearer
from tests.waiting import eventually

MARKED = "se.catalogue.attendance.marked"
AFTER_THE_START = timedelta(days=31)
"""The test activities start 30 days from now (``valid_details``)."""


async def mark(
    catalogue: TimedCatalogue,
    activity: pb.Activity,
    student: str,
    attended: bool = True,
    caller: str = "coordinator",
) -> pb.MarkAttendanceResponse:
    reply: pb.MarkAttendanceResponse = await catalogue.stub.MarkAttendance(
        pb.MarkAttendanceRequest(activity_id=activity.id, student_id=student, attended=attended),
        metadata=bearer(caller),
    )
    return reply


async def refusal(call: object) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call  # type: ignore[misc]
    return error.value.code(), error.value.details() or ""


async def marks(catalogue: TimedCatalogue, activity: pb.Activity) -> list[str]:
    """The students of the activity with an attendance mark."""
    enrolments = await listed(catalogue, activity)
    return [e.student_id for e in enrolments if e.HasField("attendance_marked_at")]


async def started_with_places(catalogue: TimedCatalogue) -> pb.Activity:
    """One seat: ana confirmed, ben waiting, carla cancelled; then the activity starts."""
    activity = await published(catalogue, capacity=1)
    for student in ("ana", "ben", "carla"):
        await enrol(catalogue, activity, student)
    await cancel(catalogue, activity, "carla")
    catalogue.clock.move(AFTER_THE_START)
    return activity


async def test_a_coordinator_marks_a_confirmed_student_once_and_may_correct_it(
    timed_catalogue: TimedCatalogue, event_log: EventLog, redis_client: Redis
) -> None:
    activity = await started_with_places(timed_catalogue)
    moment = timed_catalogue.clock()

    first = await mark(timed_catalogue, activity, "ana")
    assert first.changed
    assert first.enrolment.status == pb.ENROLMENT_STATUS_CONFIRMED
    assert first.enrolment.attended
    marked_at = first.enrolment.attendance_marked_at.ToDatetime().timestamp()
    assert moment.timestamp() - 1 <= marked_at <= timed_catalogue.clock().timestamp()

    again = await mark(timed_catalogue, activity, "ana")
    assert not again.changed
    assert again.enrolment == first.enrolment
    shown = {e.student_id: e for e in await listed(timed_catalogue, activity)}
    assert shown["ana"].attended
    assert shown["ana"].attendance_marked_at == first.enrolment.attendance_marked_at
    assert not shown["ben"].HasField("attendance_marked_at")

    corrected = await mark(timed_catalogue, activity, "ana", attended=False)
    assert corrected.changed
    assert not corrected.enrolment.attended
    assert corrected.enrolment.HasField("attendance_marked_at")

    # One event per change, none for the repeat, each with the mark it made.
    events = decoded(
        await relayed_events(redis_client, event_log), MARKED, events_pb2.AttendanceMarked
    )
    assert [(e.enrolment.student_id, e.enrolment.attended) for e in events] == [
        ("ana", True),
        ("ana", False),
    ]
    assert events[0].enrolment == first.enrolment
    assert events[1].enrolment == corrected.enrolment


async def test_only_confirmed_places_of_a_started_activity_take_attendance(
    timed_catalogue: TimedCatalogue,
) -> None:
    early = await published(timed_catalogue, capacity=5)
    await enrol(timed_catalogue, early, "ana")
    code, message = await refusal(mark(timed_catalogue, early, "ana"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert "has not started" in message

    activity = await started_with_places(timed_catalogue)
    code, message = await refusal(mark(timed_catalogue, activity, "ben"))
    assert (code, "waitlisted" in message) == (grpc.StatusCode.FAILED_PRECONDITION, True)
    code, message = await refusal(mark(timed_catalogue, activity, "carla"))
    assert (code, "cancelled" in message) == (grpc.StatusCode.FAILED_PRECONDITION, True)
    code, _ = await refusal(mark(timed_catalogue, activity, "dan"))
    assert code == grpc.StatusCode.NOT_FOUND
    assert not await marks(timed_catalogue, activity)

    # A completed activity still takes it; a cancelled one does not.
    await timed_catalogue.stub.CompleteActivity(
        pb.CompleteActivityRequest(activity_id=activity.id), metadata=COORDINATOR
    )
    assert (await mark(timed_catalogue, activity, "ana")).enrolment.attended
    await timed_catalogue.stub.CancelActivity(
        pb.CancelActivityRequest(activity_id=early.id, reason="Storm warning"),
        metadata=COORDINATOR,
    )
    code, message = await refusal(mark(timed_catalogue, early, "ana"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert "published or completed" in message


async def test_only_the_sections_coordinators_and_operators_mark_attendance(
    timed_catalogue: TimedCatalogue,
) -> None:
    activity = await started_with_places(timed_catalogue)
    for outsider in ("platform", "other_coordinator", "student", "other_student"):
        code, _ = await refusal(mark(timed_catalogue, activity, "ana", caller=outsider))
        assert code == grpc.StatusCode.PERMISSION_DENIED, outsider
    assert not await marks(timed_catalogue, activity)
    assert (await mark(timed_catalogue, activity, "ana", caller="operator")).changed


async def test_a_cancelled_place_loses_its_mark_and_a_new_place_starts_unmarked(
    timed_catalogue: TimedCatalogue,
) -> None:
    activity = await started_with_places(timed_catalogue)
    await mark(timed_catalogue, activity, "ana")
    cancelled = await cancel(timed_catalogue, activity, "ana")
    assert not cancelled.enrolment.HasField("attendance_marked_at")
    assert cancelled.promoted.student_id == "ben"
    shown = {e.student_id: e for e in await listed(timed_catalogue, activity)}
    assert not shown["ana"].HasField("attendance_marked_at") and not shown["ana"].attended
    # ben, promoted, has no mark of his own yet.
    assert not shown["ben"].HasField("attendance_marked_at")
    assert (await mark(timed_catalogue, activity, "ben", attended=False)).changed


async def test_erasure_takes_the_mark_and_its_events_away(
    timed_catalogue: TimedCatalogue, event_log: EventLog, redis_client: Redis
) -> None:
    erased = "ana-erasmus-7f3k"
    activity = await published(timed_catalogue, capacity=2)
    await enrol(timed_catalogue, activity, erased)
    timed_catalogue.clock.move(AFTER_THE_START)
    await mark(timed_catalogue, activity, erased)
    await relayed_events(redis_client, event_log)

    async def indexed() -> bool:
        recorded = await redis_client.scard(keys.student_messages(erased))
        return int(recorded) == 2  # the confirmation and the attendance

    await eventually(indexed, "the messages naming the student indexed")
    assert any(m.subject == MARKED for m in await event_log.all())

    await announce(timed_catalogue, matching_events.profile_erased(erased))

    async def gone() -> bool:
        return not await naming(event_log, erased) and not await redis_client.exists(
            keys.enrolment(activity.id, erased)
        )

    await eventually(gone, "the enrolment, its mark and the messages naming the student erased")
    assert not [m for m in await event_log.all() if m.subject == MARKED]
