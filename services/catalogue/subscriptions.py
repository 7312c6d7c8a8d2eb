"""Every event the catalogue consumes, and what it does with each: all in one place.

The events themselves (subjects, message types, producers) are in
``services.runtime.registry``; what the catalogue publishes is in ``services.catalogue.events``.
"""

from __future__ import annotations

from services.catalogue.erasure import CatalogueErasure
from services.runtime.erasure import Tombstones
from services.runtime.registry import catalogue, matching
from services.runtime.subscriptions import Subscription
from socialerasmus.catalogue.v1 import events_pb2

NamingAStudent = (
    events_pb2.EnrolmentConfirmed
    | events_pb2.EnrolmentWaitlisted
    | events_pb2.EnrolmentPromoted
    | events_pb2.EnrolmentCancelled
    | events_pb2.AttendanceMarked
)


def subscriptions(tombstones: Tombstones, erasure: CatalogueErasure) -> list[Subscription]:
    """The catalogue's durable consumers."""

    async def index(event: NamingAStudent, sequence: int) -> None:
        await erasure.index_message(event.enrolment.student_id, sequence)

    return [
        # Matching's erasures: erase the student's enrolments and keep a tombstone, or lift
        # it when the student has a profile again.
        Subscription("catalogue-erasures")
        .on(matching.PROFILE_ERASED, tombstones.erasure(erasure.erase))
        .on(matching.PROFILE_RECREATED, tombstones.recreated),
        # Its own enrolment and attendance events naming a student (enrolment.erased names
        # none): remember which CATALOGUE messages name whom, so an erasure can delete them
        # (the stream is kept without limit, as matching rebuilds its index from it).
        Subscription("catalogue-enrolment-messages")
        .on_stored(catalogue.ENROLMENT_CONFIRMED, index)
        .on_stored(catalogue.ENROLMENT_WAITLISTED, index)
        .on_stored(catalogue.ENROLMENT_PROMOTED, index)
        .on_stored(catalogue.ENROLMENT_CANCELLED, index)
        .on_stored(catalogue.ATTENDANCE_MARKED, index),
    ]
