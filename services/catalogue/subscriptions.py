"""What the catalogue does with the events it consumes, all in one place."""

from __future__ import annotations

from nats.aio.msg import Msg

from services.catalogue.erasure import CatalogueErasure
from services.runtime.bus import Handler
from services.runtime.erasure import Tombstones, erasure_handler
from socialerasmus.catalogue.v1 import events_pb2

NamingAStudent = (
    events_pb2.EnrolmentConfirmed
    | events_pb2.EnrolmentWaitlisted
    | events_pb2.EnrolmentPromoted
    | events_pb2.EnrolmentCancelled
)
NAMING_A_STUDENT: dict[str, type[NamingAStudent]] = {
    "se.catalogue.enrolment.confirmed": events_pb2.EnrolmentConfirmed,
    "se.catalogue.enrolment.waitlisted": events_pb2.EnrolmentWaitlisted,
    "se.catalogue.enrolment.promoted": events_pb2.EnrolmentPromoted,
    "se.catalogue.enrolment.cancelled": events_pb2.EnrolmentCancelled,
}
"""The catalogue's events that name a student (se.catalogue.enrolment.erased names none)."""


def student_erasure(tombstones: Tombstones, erasure: CatalogueErasure) -> Handler:
    """se.matching.profile.erased / recreated: erase the student and keep a tombstone, or
    lift it."""
    return erasure_handler(tombstones, erasure.erase)


def enrolment_messages(erasure: CatalogueErasure) -> Handler:
    """se.catalogue.enrolment.*: index the messages naming a student, for their erasure."""

    async def handle(message: Msg) -> None:
        kind = NAMING_A_STUDENT.get(message.subject)
        if kind is None:
            return
        student = kind.FromString(message.data).enrolment.student_id
        await erasure.index_message(student, message.metadata.sequence.stream)

    return handle
