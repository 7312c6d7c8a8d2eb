"""What the matching service does with the events it consumes, all in one place."""

from __future__ import annotations

from nats.aio.msg import Msg

from services.matching.service import MatchingService
from services.matching.store import MatchingStore
from services.runtime.bus import Handler
from socialerasmus.catalogue.v1 import events_pb2


def reverse_matching(service: MatchingService) -> Handler:
    """se.catalogue.activity.published: suggest the activity to the students it suits."""

    async def handle(message: Msg) -> None:
        event = events_pb2.ActivityPublished.FromString(message.data)
        await service.suggest_for(event.activity)

    return handle


def enrolment_bookkeeping(store: MatchingStore) -> Handler:
    """se.catalogue.enrolment.*: never suggest an activity the student is enrolled in."""

    async def handle(message: Msg) -> None:
        match message.subject:
            case "se.catalogue.enrolment.confirmed":
                e = events_pb2.EnrolmentConfirmed.FromString(message.data).enrolment
                await store.set_enrolled(e.student_id, e.activity_id, enrolled=True)
            case "se.catalogue.enrolment.waitlisted":
                e = events_pb2.EnrolmentWaitlisted.FromString(message.data).enrolment
                await store.set_enrolled(e.student_id, e.activity_id, enrolled=True)
            case "se.catalogue.enrolment.cancelled":
                e = events_pb2.EnrolmentCancelled.FromString(message.data).enrolment
                await store.set_enrolled(e.student_id, e.activity_id, enrolled=False)

    return handle
