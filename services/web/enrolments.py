"""A student's places, from the catalogue's ``ListStudentEnrolments``: every enrolment of
theirs, in any section, each with its activity, in one call a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from services.client import SocialErasmusClient
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat

HELD: Final = (cat.ENROLMENT_STATUS_CONFIRMED, cat.ENROLMENT_STATUS_WAITLISTED)
MOST_PLACES: Final = 500
"""At most this many places are shown for one student (the most recent ones go first)."""


@dataclass(frozen=True, slots=True)
class Place:
    """A student's place in one activity."""

    activity: cat.Activity
    enrolment: cat.Enrolment


async def places_of(client: SocialErasmusClient, student_id: str) -> list[Place]:
    """The student's confirmed and waitlisted places, soonest first."""
    held: list[Place] = []
    async for place in client.iter_student_enrolments(student_id, HELD):
        held.append(Place(place.activity, place.enrolment))
    held = held[-MOST_PLACES:]
    return sorted(held, key=lambda p: (p.activity.details.starts_at.seconds, p.activity.id))


async def enrolment_of(
    client: SocialErasmusClient, activity_id: str, student_id: str
) -> cat.Enrolment | None:
    """The student's confirmed or waitlisted enrolment in the activity, if any."""
    async for place in client.iter_student_enrolments(student_id, HELD):
        if place.enrolment.activity_id == activity_id:
            return place.enrolment
    return None
