"""Catalogue events through a NATS outage: writes succeed, every event arrives once."""

from __future__ import annotations

import asyncio
from collections import Counter

from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1 import events_pb2
from tests.catalogue.builders import valid_details
from tests.catalogue.conftest import Catalogue, EventLog
from tests.conftest import bearer

PLATFORM = bearer("platform")


async def published_activity(catalogue: Catalogue, capacity: int) -> str:
    created = await catalogue.stub.CreateActivity(
        pb.CreateActivityRequest(details=valid_details(capacity=capacity)), metadata=PLATFORM
    )
    await catalogue.stub.PublishActivity(
        pb.PublishActivityRequest(activity_id=created.activity.id), metadata=PLATFORM
    )
    activity_id: str = created.activity.id
    return activity_id


async def test_writes_succeed_while_nats_is_down_and_every_event_arrives_once_it_is_back(
    catalogue: Catalogue, event_log: EventLog
) -> None:
    """Killing nats-server mid-burst delays events; none is lost, none is duplicated."""
    activity_id = await published_activity(catalogue, capacity=30)
    await event_log.wait_for(1)
    students = [f"student-{n}" for n in range(60)]

    async def enrol(student: str) -> None:
        await catalogue.stub.EnrolStudent(
            pb.EnrolStudentRequest(activity_id=activity_id, student_id=student), metadata=PLATFORM
        )

    await asyncio.gather(*(enrol(s) for s in students[:20]))
    catalogue.stack.nats.kill()
    await asyncio.gather(*(enrol(s) for s in students[20:]))  # NATS is down: Redis only
    catalogue.stack.nats.start()
    await event_log.client.flush()  # the log's own client reconnects too

    messages = await event_log.wait_for(1 + len(students), timeout=30)
    enrolment_events = [
        m for m in messages if (m.subject or "").startswith("se.catalogue.enrolment.")
    ]
    per_student = Counter(
        events_pb2.EnrolmentConfirmed.FromString(m.data or b"").enrolment.student_id
        for m in enrolment_events
    )
    assert per_student == Counter(students)
    assert Counter(m.subject for m in enrolment_events) == {
        "se.catalogue.enrolment.confirmed": 30,
        "se.catalogue.enrolment.waitlisted": 30,
    }
    ids = [m.headers["Nats-Msg-Id"] for m in messages if m.headers]
    assert len(ids) == len(set(ids)) == len(messages)
