"""Enrolments through the gRPC API, against real Redis and NATS: seats, waitlist, events."""

from __future__ import annotations

import asyncio
import base64
import json
from collections import Counter
from collections.abc import Awaitable, Sequence
from typing import TypeVar

import grpc
import pytest
from google.protobuf.message import Message
from nats.js.api import RawStreamMsg
from redis.asyncio import Redis

from services.catalogue import keys
from services.kernel.pages import encode_page_token
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1 import events_pb2
from tests.catalogue.builders import activity_id, valid_details
from tests.catalogue.conftest import Catalogue, EventLog
from tests.conftest import bearer

COORDINATOR = bearer("coordinator")
PLATFORM = bearer("platform")

CONFIRMED = pb.ENROLMENT_STATUS_CONFIRMED
WAITLISTED = pb.ENROLMENT_STATUS_WAITLISTED
CANCELLED = pb.ENROLMENT_STATUS_CANCELLED

ENROLMENT_CONFIRMED = "se.catalogue.enrolment.confirmed"
ENROLMENT_WAITLISTED = "se.catalogue.enrolment.waitlisted"
ENROLMENT_CANCELLED = "se.catalogue.enrolment.cancelled"
ENROLMENT_PROMOTED = "se.catalogue.enrolment.promoted"

EventT = TypeVar("EventT", bound=Message)
EnrolmentEvent = (
    events_pb2.EnrolmentConfirmed
    | events_pb2.EnrolmentWaitlisted
    | events_pb2.EnrolmentCancelled
    | events_pb2.EnrolmentPromoted
)


# Helpers ---------------------------------------------------------------------------------


async def draft(catalogue: Catalogue, capacity: int) -> pb.Activity:
    response = await catalogue.stub.CreateActivity(
        pb.CreateActivityRequest(details=valid_details(capacity=capacity)), metadata=COORDINATOR
    )
    activity: pb.Activity = response.activity
    return activity


async def published(catalogue: Catalogue, capacity: int) -> pb.Activity:
    activity = await draft(catalogue, capacity)
    response = await catalogue.stub.PublishActivity(
        pb.PublishActivityRequest(activity_id=activity.id), metadata=COORDINATOR
    )
    result: pb.Activity = response.activity
    return result


async def enrol(
    catalogue: Catalogue, activity: pb.Activity, student: str
) -> pb.EnrolStudentResponse:
    response: pb.EnrolStudentResponse = await catalogue.stub.EnrolStudent(
        pb.EnrolStudentRequest(activity_id=activity.id, student_id=student), metadata=PLATFORM
    )
    return response


async def enrol_in_order(
    catalogue: Catalogue, activity: pb.Activity, students: Sequence[str]
) -> None:
    for student in students:
        await enrol(catalogue, activity, student)


async def cancel(
    catalogue: Catalogue, activity: pb.Activity, student: str
) -> pb.CancelEnrolmentResponse:
    response: pb.CancelEnrolmentResponse = await catalogue.stub.CancelEnrolment(
        pb.CancelEnrolmentRequest(activity_id=activity.id, student_id=student), metadata=PLATFORM
    )
    return response


async def fetch(catalogue: Catalogue, activity: pb.Activity) -> pb.Activity:
    response = await catalogue.stub.GetActivity(
        pb.GetActivityRequest(activity_id=activity.id), metadata=PLATFORM
    )
    result: pb.Activity = response.activity
    return result


async def list_pages(
    catalogue: Catalogue,
    activity: pb.Activity,
    statuses: Sequence[pb.EnrolmentStatus.ValueType] = (),
    page_size: int = 100,
) -> list[list[pb.Enrolment]]:
    """Every page of ListEnrolments, following next_page_token to the end."""
    pages: list[list[pb.Enrolment]] = []
    token = ""
    while True:
        response = await catalogue.stub.ListEnrolments(
            pb.ListEnrolmentsRequest(
                activity_id=activity.id,
                statuses=list(statuses),
                page_size=page_size,
                page_token=token,
            ),
            metadata=PLATFORM,
        )
        pages.append(list(response.enrolments))
        token = response.next_page_token
        if not token:
            return pages
        assert len(pages) <= 1000, "paging does not end"


async def listed(
    catalogue: Catalogue,
    activity: pb.Activity,
    statuses: Sequence[pb.EnrolmentStatus.ValueType] = (),
) -> list[pb.Enrolment]:
    return [e for page in await list_pages(catalogue, activity, statuses) for e in page]


def students_of(enrolments: Sequence[pb.Enrolment]) -> list[str]:
    return [e.student_id for e in enrolments]


async def relayed_events(redis: Redis, event_log: EventLog) -> list[RawStreamMsg]:
    """Every catalogue event written so far, once the outbox relay has published them all.

    The relay deletes an outbox entry only after JetStream acknowledged it, so an empty
    outbox means the stream holds every event the scripts wrote: counts are exact.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15.0
    while await redis.xlen(keys.OUTBOX) > 0:
        assert loop.time() < deadline, "the outbox relay did not publish every event"
        await asyncio.sleep(0.02)
    return await event_log.all()


def decoded(messages: Sequence[RawStreamMsg], subject: str, kind: type[EventT]) -> list[EventT]:
    return [kind.FromString(m.data or b"") for m in messages if m.subject == subject]


async def rpc_error(call: Awaitable[object]) -> grpc.StatusCode:
    """The status code of a call that must fail."""
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    code: grpc.StatusCode = error.value.code()
    return code


# Capacity and the waitlist ---------------------------------------------------------------


async def test_two_hundred_concurrent_enrolments_confirm_exactly_the_capacity_and_waitlist_the_rest(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """200 simultaneous enrolments in 20 seats: 20 confirmed, 180 waitlisted, one event each."""
    activity = await published(catalogue, capacity=20)
    students = [f"student-{n:03d}" for n in range(200)]

    responses = await asyncio.gather(*(enrol(catalogue, activity, s) for s in students))

    assert all(r.created for r in responses)
    assert Counter(r.enrolment.status for r in responses) == {CONFIRMED: 20, WAITLISTED: 180}
    positions = sorted(r.enrolment.waitlist_position for r in responses)
    assert positions == [0] * 20 + list(range(1, 181))

    pages = await list_pages(catalogue, activity, page_size=64)
    assert [len(p) for p in pages] == [64, 64, 64, 8]
    enrolments = [e for page in pages for e in page]
    assert sorted(students_of(enrolments)) == students  # everyone once, nobody twice
    # In enrolment order the first 20 took the seats and the rest queue behind them.
    assert [e.status for e in enrolments] == [CONFIRMED] * 20 + [WAITLISTED] * 180
    assert [e.waitlist_position for e in enrolments[20:]] == list(range(1, 181))
    by_student = {r.enrolment.student_id: r.enrolment.status for r in responses}
    assert {e.student_id: e.status for e in enrolments} == by_student

    current = await fetch(catalogue, activity)
    assert current.seats_left == 0
    assert current.waitlist_length == 180

    messages = await relayed_events(redis_client, event_log)
    assert Counter(m.subject for m in messages) == {
        "se.catalogue.activity.published": 1,
        ENROLMENT_CONFIRMED: 20,
        ENROLMENT_WAITLISTED: 180,
    }
    confirmed_events = decoded(messages, ENROLMENT_CONFIRMED, events_pb2.EnrolmentConfirmed)
    waitlisted_events = decoded(messages, ENROLMENT_WAITLISTED, events_pb2.EnrolmentWaitlisted)
    assert {e.enrolment.student_id for e in confirmed_events} == {
        s for s, status in by_student.items() if status == CONFIRMED
    }
    assert {e.enrolment.student_id for e in waitlisted_events} == {
        s for s, status in by_student.items() if status == WAITLISTED
    }
    assert all(e.enrolment.activity_id == activity.id for e in confirmed_events)
    assert all(e.enrolment.status == CONFIRMED for e in confirmed_events)
    assert all(e.enrolment.status == WAITLISTED for e in waitlisted_events)
    assert len({m.headers["Nats-Msg-Id"] for m in messages if m.headers}) == len(messages)


async def test_enrolling_twice_returns_the_existing_enrolment_and_emits_no_second_event(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """A repeated enrolment answers created=False with the stored enrolment and writes nothing."""
    activity = await published(catalogue, capacity=1)
    first = await enrol(catalogue, activity, "ana")
    waiting = await enrol(catalogue, activity, "ben")
    assert (first.created, first.enrolment.status) == (True, CONFIRMED)
    assert (waiting.created, waiting.enrolment.status) == (True, WAITLISTED)

    again = await enrol(catalogue, activity, "ana")
    waiting_again = await enrol(catalogue, activity, "ben")

    assert again.created is False
    assert again.enrolment == first.enrolment
    assert waiting_again.created is False
    assert waiting_again.enrolment == waiting.enrolment
    assert waiting_again.enrolment.waitlist_position == 1
    current = await fetch(catalogue, activity)
    assert (current.seats_left, current.waitlist_length) == (0, 1)
    assert students_of(await listed(catalogue, activity)) == ["ana", "ben"]
    messages = await relayed_events(redis_client, event_log)
    assert [m.subject for m in messages] == [
        "se.catalogue.activity.published",
        ENROLMENT_CONFIRMED,
        ENROLMENT_WAITLISTED,
    ]


async def test_a_student_may_enrol_themselves_but_not_someone_else(catalogue: Catalogue) -> None:
    """A student token enrols its own student id; enrolling another student is denied."""
    activity = await published(catalogue, capacity=5)
    own = await catalogue.stub.EnrolStudent(
        pb.EnrolStudentRequest(activity_id=activity.id, student_id="ana"),
        metadata=bearer("student"),
    )
    assert own.enrolment.status == CONFIRMED
    code = await rpc_error(
        catalogue.stub.EnrolStudent(
            pb.EnrolStudentRequest(activity_id=activity.id, student_id="ben"),
            metadata=bearer("student"),
        )
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert students_of(await listed(catalogue, activity)) == ["ana"]


# Cancellations and promotion -------------------------------------------------------------


async def test_cancelling_confirmed_students_one_after_another_promotes_the_earliest_waitlisted(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """Each freed seat goes to the head of the waitlist, in enrolment order, with one event each."""
    activity = await published(catalogue, capacity=3)
    students = [f"s{n}" for n in range(10)]
    await enrol_in_order(catalogue, activity, students)  # s0..s2 confirmed, s3..s9 waiting

    first = await cancel(catalogue, activity, "s1")
    assert first.enrolment.status == CANCELLED
    assert first.enrolment.waitlist_position == 0
    assert first.promoted.student_id == "s3"
    assert first.promoted.status == CONFIRMED
    assert first.promoted.promoted is True
    assert first.promoted.waitlist_position == 0
    second = await cancel(catalogue, activity, "s0")
    assert second.promoted.student_id == "s4"

    current = await fetch(catalogue, activity)
    assert (current.seats_left, current.waitlist_length) == (0, 5)
    confirmed = await listed(catalogue, activity, [CONFIRMED])
    assert students_of(confirmed) == ["s2", "s3", "s4"]
    assert [e.promoted for e in confirmed] == [False, True, True]
    waiting = await listed(catalogue, activity, [WAITLISTED])
    assert students_of(waiting) == ["s5", "s6", "s7", "s8", "s9"]
    assert [e.waitlist_position for e in waiting] == [1, 2, 3, 4, 5]

    messages = await relayed_events(redis_client, event_log)
    assert [m.subject for m in messages[-4:]] == [
        ENROLMENT_CANCELLED,
        ENROLMENT_PROMOTED,
        ENROLMENT_CANCELLED,
        ENROLMENT_PROMOTED,
    ]
    cancelled = decoded(messages, ENROLMENT_CANCELLED, events_pb2.EnrolmentCancelled)
    assert [(e.enrolment.student_id, e.previous_status) for e in cancelled] == [
        ("s1", CONFIRMED),
        ("s0", CONFIRMED),
    ]
    assert all(e.enrolment.status == CANCELLED for e in cancelled)
    promoted = decoded(messages, ENROLMENT_PROMOTED, events_pb2.EnrolmentPromoted)
    assert [e.enrolment.student_id for e in promoted] == ["s3", "s4"]
    assert all(e.enrolment.status == CONFIRMED and e.enrolment.promoted for e in promoted)


async def test_every_enrolment_event_carries_the_seats_as_they_are_after_its_change(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """Counted in the script that made the change: a cancellation and the promotion it made
    both carry the counts after the promotion; capacity raised, the promotion after it too."""
    activity = await published(catalogue, capacity=1)
    await enrol_in_order(catalogue, activity, ["s0", "s1", "s2"])  # s0 confirmed, s1 s2 wait
    await cancel(catalogue, activity, "s0")  # s1 promoted
    await cancel(catalogue, activity, "s2")  # a waiting student leaves
    messages = await relayed_events(redis_client, event_log)
    kinds: dict[str, type[EnrolmentEvent]] = {
        ENROLMENT_CONFIRMED: events_pb2.EnrolmentConfirmed,
        ENROLMENT_WAITLISTED: events_pb2.EnrolmentWaitlisted,
        ENROLMENT_CANCELLED: events_pb2.EnrolmentCancelled,
        ENROLMENT_PROMOTED: events_pb2.EnrolmentPromoted,
    }
    seats = [
        (m.subject, event.seats.confirmed, event.seats.waitlisted)
        for m in messages
        if m.subject in kinds
        for event in [kinds[m.subject].FromString(m.data or b"")]
        if event.HasField("seats")
    ]
    assert seats == [
        (ENROLMENT_CONFIRMED, 1, 0),
        (ENROLMENT_WAITLISTED, 1, 1),
        (ENROLMENT_WAITLISTED, 1, 2),
        (ENROLMENT_CANCELLED, 1, 1),
        (ENROLMENT_PROMOTED, 1, 1),
        (ENROLMENT_CANCELLED, 1, 0),
    ]


async def test_concurrent_cancellations_promote_the_earliest_waitlisted_and_never_overfill(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """Five confirmed students cancel at once while five more enrol: the five earliest
    waitlisted take the seats, newcomers queue, and the confirmed set never exceeds capacity."""
    activity = await published(catalogue, capacity=5)
    seated = [f"c{n}" for n in range(5)]
    waiting = [f"w{n}" for n in range(10)]
    newcomers = [f"n{n}" for n in range(5)]
    await enrol_in_order(catalogue, activity, seated + waiting)

    confirmed_key = keys.confirmed(activity.id)
    samples: list[int] = []
    done = asyncio.Event()

    async def sample_seats() -> None:
        while True:
            samples.append(int(await redis_client.scard(confirmed_key)))
            if done.is_set():
                return
            await asyncio.sleep(0)

    sampler = asyncio.create_task(sample_seats())
    cancellations = asyncio.gather(*(cancel(catalogue, activity, s) for s in seated))
    enrolments = asyncio.gather(*(enrol(catalogue, activity, s) for s in newcomers))
    cancelled, joined = await asyncio.gather(cancellations, enrolments)
    done.set()
    await sampler

    assert samples and max(samples) <= 5
    assert sorted(r.promoted.student_id for r in cancelled) == waiting[:5]
    assert all(r.enrolment.status == CANCELLED for r in cancelled)
    assert all(r.enrolment.status == WAITLISTED for r in joined)
    current = await fetch(catalogue, activity)
    assert (current.seats_left, current.waitlist_length) == (0, 10)
    confirmed = await listed(catalogue, activity, [CONFIRMED])
    assert students_of(confirmed) == waiting[:5]
    assert all(e.promoted for e in confirmed)
    queue = await listed(catalogue, activity, [WAITLISTED])
    assert students_of(queue)[:5] == waiting[5:]  # those already waiting stay ahead
    assert sorted(students_of(queue)[5:]) == newcomers
    assert [e.waitlist_position for e in queue] == list(range(1, 11))

    messages = await relayed_events(redis_client, event_log)
    cancelled_events = decoded(messages, ENROLMENT_CANCELLED, events_pb2.EnrolmentCancelled)
    assert sorted(e.enrolment.student_id for e in cancelled_events) == seated
    assert {e.previous_status for e in cancelled_events} == {CONFIRMED}
    promoted_events = decoded(messages, ENROLMENT_PROMOTED, events_pb2.EnrolmentPromoted)
    assert sorted(e.enrolment.student_id for e in promoted_events) == waiting[:5]
    # The seats went in waitlist order: the n-th promotion took the n-th waiting student.
    assert [e.enrolment.student_id for e in promoted_events] == waiting[:5]


async def test_cancelling_a_waitlisted_student_promotes_nobody_and_renumbers_the_waitlist(
    catalogue: Catalogue, event_log: EventLog, redis_client: Redis
) -> None:
    """Leaving the waitlist frees no seat; the students behind move up one place."""
    activity = await published(catalogue, capacity=2)
    await enrol_in_order(catalogue, activity, ["s0", "s1", "s2", "s3", "s4", "s5"])

    response = await cancel(catalogue, activity, "s3")  # second in the queue

    assert response.enrolment.status == CANCELLED
    assert response.enrolment.waitlist_position == 0
    assert not response.HasField("promoted")
    waiting = await listed(catalogue, activity, [WAITLISTED])
    assert [(e.student_id, e.waitlist_position) for e in waiting] == [
        ("s2", 1),
        ("s4", 2),
        ("s5", 3),
    ]
    assert students_of(await listed(catalogue, activity, [CONFIRMED])) == ["s0", "s1"]
    current = await fetch(catalogue, activity)
    assert (current.seats_left, current.waitlist_length) == (0, 3)

    after_seat_freed = await cancel(catalogue, activity, "s0")
    assert after_seat_freed.promoted.student_id == "s2"

    messages = await relayed_events(redis_client, event_log)
    cancelled = decoded(messages, ENROLMENT_CANCELLED, events_pb2.EnrolmentCancelled)
    assert [(e.enrolment.student_id, e.previous_status) for e in cancelled] == [
        ("s3", WAITLISTED),
        ("s0", CONFIRMED),
    ]
    promoted = decoded(messages, ENROLMENT_PROMOTED, events_pb2.EnrolmentPromoted)
    assert [e.enrolment.student_id for e in promoted] == ["s2"]


async def test_a_cancelled_student_who_enrols_again_joins_the_back_of_the_queue(
    catalogue: Catalogue,
) -> None:
    """Re-enrolling after cancelling creates a new enrolment after everyone already waiting."""
    activity = await published(catalogue, capacity=1)
    await enrol_in_order(catalogue, activity, ["s0", "s1", "s2"])
    await cancel(catalogue, activity, "s1")

    again = await enrol(catalogue, activity, "s1")

    assert again.created is True
    assert again.enrolment.status == WAITLISTED
    assert again.enrolment.waitlist_position == 2
    assert students_of(await listed(catalogue, activity)) == ["s0", "s2", "s1"]


# Refusals --------------------------------------------------------------------------------


async def test_enrolling_in_a_draft_fails_with_failed_precondition(catalogue: Catalogue) -> None:
    """Drafts are not open for enrolment, even to a caller who can see them."""
    activity = await draft(catalogue, capacity=5)
    code = await rpc_error(enrol(catalogue, activity, "ana"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert await listed(catalogue, activity) == []
    assert (await fetch(catalogue, activity)).seats_left == 5


async def test_enrolling_in_a_cancelled_activity_fails_with_failed_precondition(
    catalogue: Catalogue,
) -> None:
    """A cancelled activity takes no more enrolments."""
    activity = await published(catalogue, capacity=5)
    await enrol(catalogue, activity, "ana")
    await catalogue.stub.CancelActivity(
        pb.CancelActivityRequest(activity_id=activity.id, reason="Storm warning"),
        metadata=COORDINATOR,
    )
    code = await rpc_error(enrol(catalogue, activity, "ben"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert students_of(await listed(catalogue, activity)) == ["ana"]


async def test_enrolling_in_a_missing_activity_fails_with_not_found(catalogue: Catalogue) -> None:
    """An activity id nobody created is NOT_FOUND."""
    missing = pb.Activity(id=activity_id(404))
    assert await rpc_error(enrol(catalogue, missing, "ana")) == grpc.StatusCode.NOT_FOUND


async def test_cancelling_without_an_enrolment_fails_with_not_found(catalogue: Catalogue) -> None:
    """Cancelling a student who never enrolled, or who already cancelled, is NOT_FOUND."""
    activity = await published(catalogue, capacity=1)
    await enrol_in_order(catalogue, activity, ["ana", "ben"])
    assert await rpc_error(cancel(catalogue, activity, "zoe")) == grpc.StatusCode.NOT_FOUND
    await cancel(catalogue, activity, "ana")
    assert await rpc_error(cancel(catalogue, activity, "ana")) == grpc.StatusCode.NOT_FOUND
    # The second attempt promoted nobody else: ben holds the only seat, nobody waits.
    current = await fetch(catalogue, activity)
    assert (current.seats_left, current.waitlist_length) == (0, 0)
    assert students_of(await listed(catalogue, activity, [CONFIRMED])) == ["ben"]


async def test_capacity_cannot_be_updated_below_the_confirmed_count(catalogue: Catalogue) -> None:
    """Shrinking below the confirmed students is FAILED_PRECONDITION; down to them is fine."""
    activity = await published(catalogue, capacity=5)
    await enrol_in_order(catalogue, activity, ["s0", "s1", "s2", "s3"])

    code = await rpc_error(
        catalogue.stub.UpdateActivity(
            pb.UpdateActivityRequest(
                activity_id=activity.id,
                expected_version=activity.version,
                details=_with_capacity(activity, 3),
            ),
            metadata=COORDINATOR,
        )
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    unchanged = await fetch(catalogue, activity)
    assert unchanged.version == activity.version
    assert unchanged.details.capacity == 5

    shrunk = await catalogue.stub.UpdateActivity(
        pb.UpdateActivityRequest(
            activity_id=activity.id,
            expected_version=activity.version,
            details=_with_capacity(activity, 4),
        ),
        metadata=COORDINATOR,
    )
    assert shrunk.activity.details.capacity == 4
    assert shrunk.activity.seats_left == 0
    late = await enrol(catalogue, activity, "s4")
    assert late.enrolment.status == WAITLISTED


async def test_raising_capacity_gives_the_new_seats_to_the_waitlist_first(
    catalogue: Catalogue,
) -> None:
    """Students already waiting take new seats before anyone who enrols later."""
    activity = await published(catalogue, capacity=1)
    await enrol_in_order(catalogue, activity, ["s0", "s1", "s2"])  # s1, s2 waiting
    await catalogue.stub.UpdateActivity(
        pb.UpdateActivityRequest(
            activity_id=activity.id,
            expected_version=activity.version,
            details=_with_capacity(activity, 2),
        ),
        metadata=COORDINATOR,
    )

    late = await enrol(catalogue, activity, "s3")

    assert students_of(await listed(catalogue, activity, [CONFIRMED])) == ["s0", "s1"]
    assert late.enrolment.status == WAITLISTED
    promoted = await listed(catalogue, activity, [CONFIRMED])
    assert promoted[1].promoted


def _with_capacity(activity: pb.Activity, capacity: int) -> pb.ActivityDetails:
    details = pb.ActivityDetails()
    details.CopyFrom(activity.details)
    details.capacity = capacity
    return details


# Listing ---------------------------------------------------------------------------------


async def test_list_enrolments_pages_in_enrolment_order(catalogue: Catalogue) -> None:
    """Pages of page_size follow each other without gaps or repeats; the last has no token."""
    activity = await published(catalogue, capacity=3)
    students = [f"s{n}" for n in range(10)]
    await enrol_in_order(catalogue, activity, students)

    pages = await list_pages(catalogue, activity, page_size=4)

    assert [students_of(p) for p in pages] == [students[0:4], students[4:8], students[8:10]]
    exact = await list_pages(catalogue, activity, page_size=5)
    assert [len(p) for p in exact] == [5, 5]  # no empty page after a full last one


async def test_list_enrolments_filters_by_status_across_pages(catalogue: Catalogue) -> None:
    """A status filter keeps only those enrolments, still in enrolment order, page by page."""
    activity = await published(catalogue, capacity=3)
    students = [f"s{n}" for n in range(10)]
    await enrol_in_order(catalogue, activity, students)
    await cancel(catalogue, activity, "s5")  # waitlisted
    await cancel(catalogue, activity, "s1")  # confirmed: s3 takes the seat

    waiting = [e for p in await list_pages(catalogue, activity, [WAITLISTED], 2) for e in p]
    assert students_of(waiting) == ["s4", "s6", "s7", "s8", "s9"]
    assert [e.waitlist_position for e in waiting] == [1, 2, 3, 4, 5]
    confirmed = [e for p in await list_pages(catalogue, activity, [CONFIRMED], 2) for e in p]
    assert students_of(confirmed) == ["s0", "s2", "s3"]
    gone = await listed(catalogue, activity, [CANCELLED])
    assert students_of(gone) == ["s1", "s5"]
    assert all(e.status == CANCELLED and e.waitlist_position == 0 for e in gone)
    both = await listed(catalogue, activity, [CONFIRMED, CANCELLED])
    assert students_of(both) == ["s0", "s1", "s2", "s3", "s5"]
    assert len(await listed(catalogue, activity)) == 10


async def test_list_enrolments_rejects_a_token_of_another_filter_or_a_forged_one(
    catalogue: Catalogue,
) -> None:
    """A page token only continues the listing it came from; anything else is INVALID_ARGUMENT."""
    activity = await published(catalogue, capacity=1)
    await enrol_in_order(catalogue, activity, ["s0", "s1", "s2"])
    first = await catalogue.stub.ListEnrolments(
        pb.ListEnrolmentsRequest(activity_id=activity.id, page_size=1), metadata=PLATFORM
    )
    assert first.next_page_token

    other_filter = catalogue.stub.ListEnrolments(
        pb.ListEnrolmentsRequest(
            activity_id=activity.id,
            statuses=[WAITLISTED],
            page_size=1,
            page_token=first.next_page_token,
        ),
        metadata=PLATFORM,
    )
    assert await rpc_error(other_filter) == grpc.StatusCode.INVALID_ARGUMENT

    # Same fingerprint as the real token, but a position that is not a sequence number.
    fingerprint = _token_fingerprint(first.next_page_token)
    forged = catalogue.stub.ListEnrolments(
        pb.ListEnrolmentsRequest(
            activity_id=activity.id,
            page_size=1,
            page_token=encode_page_token("not-a-number", fingerprint),
        ),
        metadata=PLATFORM,
    )
    assert await rpc_error(forged) == grpc.StatusCode.INVALID_ARGUMENT

    too_big = catalogue.stub.ListEnrolments(
        pb.ListEnrolmentsRequest(activity_id=activity.id, page_size=101), metadata=PLATFORM
    )
    assert await rpc_error(too_big) == grpc.StatusCode.INVALID_ARGUMENT


def _token_fingerprint(token: str) -> str:
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    fingerprint: str = payload["f"]
    return fingerprint
