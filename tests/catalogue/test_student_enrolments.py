"""One student's enrolments across activities (ListStudentEnrolments), and the index of them
the enrolment scripts keep, against real Redis and NATS."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

import grpc
import pytest
from redis.asyncio import Redis

from services.catalogue import keys
from services.catalogue.store import CatalogueStore
from services.matching import events as matching_events
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from tests.catalogue.builders import valid_details
from tests.catalogue.conftest import Catalogue
from tests.catalogue.test_enrolments import (
    CANCELLED,
    CONFIRMED,
    COORDINATOR,
    PLATFORM,
    WAITLISTED,
    cancel,
    enrol,
    fetch,
    published,
)
from tests.catalogue.test_erasure import announce
from tests.conftest import bearer
from tests.waiting import eventually

Row = tuple[str, pb.EnrolmentStatus.ValueType]


async def pages_of(
    catalogue: Catalogue,
    student: str,
    statuses: Sequence[pb.EnrolmentStatus.ValueType] = (),
    page_size: int = 100,
) -> list[list[pb.StudentEnrolment]]:
    pages: list[list[pb.StudentEnrolment]] = []
    token = ""
    while True:
        reply = await catalogue.stub.ListStudentEnrolments(
            pb.ListStudentEnrolmentsRequest(
                student_id=student, statuses=list(statuses), page_size=page_size, page_token=token
            ),
            metadata=PLATFORM,
        )
        pages.append(list(reply.enrolments))
        token = reply.next_page_token
        if not token:
            return pages
        assert len(pages) < 100, "paging does not end"


async def places(
    catalogue: Catalogue, student: str, *statuses: pb.EnrolmentStatus.ValueType
) -> list[Row]:
    """(activity id, status) of each of the student's enrolments, as listed."""
    listed = [p for page in await pages_of(catalogue, student, statuses) for p in page]
    for place in listed:
        assert place.enrolment.activity_id == place.activity.id
        assert place.enrolment.student_id == student
    return [(p.activity.id, p.enrolment.status) for p in listed]


async def indexed(redis: Redis, student: str) -> set[tuple[str, str, int]]:
    """(activity id, status, created_ms) of each member of the student's index."""
    members: list[bytes] = await redis.zrange(keys.student_enrolments(student), 0, -1)  # type: ignore[assignment]
    found = set()
    for member in members:
        status, created, activity_id = member.decode().split(":")
        found.add((activity_id, status, int(created)))
    return found


async def stored(
    redis: Redis, student: str, activity_ids: Sequence[str]
) -> set[tuple[str, str, int]]:
    """The same, from the enrolments themselves."""
    found = set()
    for activity_id in activity_ids:
        fields: dict[bytes, bytes] = await redis.hgetall(keys.enrolment(activity_id, student))  # type: ignore[assignment]
        if fields:
            found.add((activity_id, fields[b"status"].decode(), int(fields[b"created_ms"])))
    return found


async def test_a_students_enrolments_come_with_their_activities_in_the_order_made(
    catalogue: Catalogue,
) -> None:
    beach, park, museum = [await published(catalogue, capacity=1) for _ in range(3)]
    await enrol(catalogue, beach, "ana")  # confirmed
    await enrol(catalogue, park, "ben")
    await enrol(catalogue, park, "ana")  # waiting behind ben
    await enrol(catalogue, museum, "ana")
    await cancel(catalogue, museum, "ana")

    assert await places(catalogue, "ana") == [
        (beach.id, CONFIRMED),
        (park.id, WAITLISTED),
        (museum.id, CANCELLED),
    ]
    listed = (await pages_of(catalogue, "ana"))[0]
    assert listed[0].activity.details.title == beach.details.title
    assert listed[0].activity.seats_left == 0
    assert listed[1].enrolment.waitlist_position == 1
    assert await places(catalogue, "ana", WAITLISTED) == [(park.id, WAITLISTED)]
    assert await places(catalogue, "ana", CANCELLED, CONFIRMED) == [
        (beach.id, CONFIRMED),
        (museum.id, CANCELLED),
    ]
    assert await places(catalogue, "ben") == [(park.id, CONFIRMED)]
    assert await places(catalogue, "carla") == []

    # ben leaves: ana takes his seat. ana enrols in the museum again: a new enrolment, last.
    await cancel(catalogue, park, "ben")
    await enrol(catalogue, museum, "ana")
    assert await places(catalogue, "ana") == [
        (beach.id, CONFIRMED),
        (park.id, CONFIRMED),
        (museum.id, CONFIRMED),
    ]
    promoted = (await pages_of(catalogue, "ana", [CONFIRMED]))[0][1].enrolment
    assert promoted.promoted and promoted.waitlist_position == 0


async def test_pages_follow_one_another_and_a_token_serves_only_its_listing(
    catalogue: Catalogue,
) -> None:
    made = await asyncio.gather(*(published(catalogue, capacity=5) for _ in range(23)))
    for activity in made:
        await enrol(catalogue, activity, "ana")
    for activity in made[::3]:
        await cancel(catalogue, activity, "ana")
    order = [a.id for a in made]

    pages = await pages_of(catalogue, "ana", page_size=10)
    assert [len(page) for page in pages] == [10, 10, 3]
    assert [p.activity.id for page in pages for p in page] == order
    held = await pages_of(catalogue, "ana", [CONFIRMED], page_size=4)
    assert [p.activity.id for page in held for p in page] == [
        a for i, a in enumerate(order) if i % 3
    ]

    first = await catalogue.stub.ListStudentEnrolments(
        pb.ListStudentEnrolmentsRequest(student_id="ana", page_size=10), metadata=PLATFORM
    )
    for other in (
        pb.ListStudentEnrolmentsRequest(student_id="ben", page_token=first.next_page_token),
        pb.ListStudentEnrolmentsRequest(
            student_id="ana", statuses=[CONFIRMED], page_token=first.next_page_token
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await catalogue.stub.ListStudentEnrolments(other, metadata=PLATFORM)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    # The student themself may list theirs.
    own = await catalogue.stub.ListStudentEnrolments(
        pb.ListStudentEnrolmentsRequest(student_id="ana", page_size=1), metadata=bearer("student")
    )
    assert [p.activity.id for p in own.enrolments] == order[:1]


async def test_the_index_stays_exactly_in_step_with_the_enrolments_under_concurrency(
    catalogue: Catalogue, redis_client: Redis
) -> None:
    """Concurrent enrolments, cancellations, re-enrolments, a capacity raise and an erasure:
    each student's index holds exactly their enrolments, with their status."""
    activities = [await published(catalogue, capacity=3) for _ in range(3)]
    students = [f"student-{n:02d}" for n in range(12)]
    shuffled = random.Random(7)

    async def one(student: str) -> None:
        for activity in shuffled.sample(activities, 2):
            await enrol(catalogue, activity, student)
        await asyncio.sleep(0)
        leaving = activities[int(student[-2:]) % 3]
        try:
            await cancel(catalogue, leaving, student)
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND  # not enrolled there
        if int(student[-2:]) % 4 == 0:
            await enrol(catalogue, leaving, student)

    await asyncio.gather(*(one(s) for s in students))
    grown = await fetch(catalogue, activities[0])
    details = valid_details(capacity=6)
    details.starts_at.CopyFrom(grown.details.starts_at)
    details.ends_at.CopyFrom(grown.details.ends_at)
    await catalogue.stub.UpdateActivity(  # promotes the first three who wait
        pb.UpdateActivityRequest(
            activity_id=grown.id, expected_version=grown.version, details=details
        ),
        metadata=COORDINATOR,
    )
    ids = [a.id for a in activities]
    for student in students:
        assert await indexed(redis_client, student) == await stored(redis_client, student, ids)
        listed = await places(catalogue, student)
        statuses = {a: s for a, s, _ in await stored(redis_client, student, ids)}
        assert {(a, pb.EnrolmentStatus.Name(s)) for a, s in listed} == {
            (a, f"ENROLMENT_STATUS_{s.upper()}") for a, s in statuses.items()
        }

    promoted = [
        p.enrolment.student_id
        for s in students
        for page in await pages_of(catalogue, s, [CONFIRMED])
        for p in page
        if p.enrolment.promoted
    ]
    assert promoted, "no promotion happened: the test would not check the head's index"
    seated = [
        s
        for s in students
        if (ids[1], "confirmed") in {i[:2] for i in await indexed(redis_client, s)}
    ]
    erased = seated[0]  # their seat goes to the head of the waitlist, if one waits
    await announce(catalogue, matching_events.profile_erased(erased))

    async def gone() -> bool:
        return not await redis_client.exists(keys.student_enrolments(erased))

    await eventually(gone, "the erased student's index gone")
    assert await places(catalogue, erased) == []
    for student in students:
        assert await indexed(redis_client, student) == await stored(redis_client, student, ids)


async def test_enrolments_made_before_the_index_are_put_in_it_once(
    catalogue: Catalogue, redis_client: Redis
) -> None:
    beach, park = [await published(catalogue, capacity=1) for _ in range(2)]
    await enrol(catalogue, beach, "ana")
    await enrol(catalogue, beach, "ben")
    await enrol(catalogue, park, "ana")
    await cancel(catalogue, park, "ana")
    before = await places(catalogue, "ana")
    # As an earlier version left them: enrolments without the index, not yet migrated.
    await redis_client.delete(
        keys.student_enrolments("ana"), keys.student_enrolments("ben"), keys.ENROLMENTS_INDEXED
    )
    assert await places(catalogue, "ana") == []

    store = CatalogueStore(redis_client)
    assert await store.index_earlier_enrolments() == 3
    assert await places(catalogue, "ana") == before
    assert await places(catalogue, "ben") == [(beach.id, WAITLISTED)]
    assert await store.index_earlier_enrolments() == 0  # done once
