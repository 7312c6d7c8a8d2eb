"""Every event matching consumes, and what it does with each: all in one place.

The events themselves (subjects, message types, producers) are in
``services.runtime.registry``; what matching publishes is in ``services.matching.events``.
Matching reads the catalogue's events twice: each replica follows the whole stream for its
own activity index (:func:`index_following`), and replicas share durable consumers for the
work done once per event (:func:`subscriptions`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from services.matching.service import MatchingService
from services.matching.store import MatchingStore
from services.runtime.registry import catalogue
from services.runtime.subscriptions import Handlers, Subscription
from socialerasmus.catalogue.v1 import events_pb2

if TYPE_CHECKING:
    from services.matching.follower import CatalogueFollower

Enrolled = (
    events_pb2.EnrolmentConfirmed | events_pb2.EnrolmentWaitlisted | events_pb2.EnrolmentCancelled
)


def subscriptions(service: MatchingService, store: MatchingStore) -> list[Subscription]:
    """Matching's durable consumers."""
    return [
        # Reverse matching: suggest a newly published activity to the students it suits.
        Subscription("matching-reverse").on(
            catalogue.ACTIVITY_PUBLISHED, lambda event: service.suggest_for(event.activity)
        ),
        # Never suggest an activity the student is enrolled in (or waiting for); a
        # cancellation makes it suggestible again.
        Subscription("matching-enrolments")
        .on(catalogue.ENROLMENT_CONFIRMED, enrolled_in(store, enrolled=True))
        .on(catalogue.ENROLMENT_WAITLISTED, enrolled_in(store, enrolled=True))
        .on(catalogue.ENROLMENT_CANCELLED, enrolled_in(store, enrolled=False)),
        # Learn from who came: a student marked present in the catalogue is an ATTENDED
        # join (one per activity, withdrawn if the mark is corrected to absent).
        Subscription("matching-attendance").on(
            catalogue.ATTENDANCE_MARKED, attendance_taken(store)
        ),
    ]


def enrolled_in(store: MatchingStore, *, enrolled: bool) -> Callable[[Enrolled], Awaitable[None]]:
    """Records the event's student as enrolled in its activity, or as no longer enrolled."""

    async def handle(event: Enrolled) -> None:
        enrolment = event.enrolment
        await store.set_enrolled(enrolment.student_id, enrolment.activity_id, enrolled=enrolled)

    return handle


def attendance_taken(
    store: MatchingStore,
) -> Callable[[events_pb2.AttendanceMarked], Awaitable[None]]:
    """Records the catalogue's attendance mark as the student's ATTENDED feedback."""

    async def handle(event: events_pb2.AttendanceMarked) -> None:
        enrolment = event.enrolment
        await store.record_attendance(
            enrolment.student_id,
            enrolment.activity_id,
            attended=enrolment.attended,
            marked_ms=enrolment.attendance_marked_at.ToMilliseconds(),
        )

    return handle


def index_following(follower: CatalogueFollower) -> Handlers[None]:
    """Every catalogue event, in every replica (an ordered consumer replaying the stream,
    ``services.matching.follower``): keeps the replica's activity index and seats."""
    return (
        Handlers[None]()
        .on(catalogue.ACTIVITY_PUBLISHED, lambda event: follower.activity_changed(event.activity))
        .on(catalogue.ACTIVITY_UPDATED, lambda event: follower.activity_changed(event.activity))
        .on(catalogue.ACTIVITY_CANCELLED, lambda event: follower.activity_changed(event.activity))
        .on(catalogue.ACTIVITY_COMPLETED, lambda event: follower.activity_changed(event.activity))
        .on(catalogue.ENROLMENT_CONFIRMED, follower.enrolment_confirmed)
        .on(catalogue.ENROLMENT_WAITLISTED, follower.enrolment_waitlisted)
        .on(catalogue.ENROLMENT_PROMOTED, follower.enrolment_promoted)
        .on(catalogue.ENROLMENT_CANCELLED, follower.enrolment_cancelled)
        .on(catalogue.ENROLMENT_ERASED, follower.enrolment_erased)
        # Attendance changes no seat and no activity: nothing for the index.
        .on(catalogue.ATTENDANCE_MARKED, lambda _event: None)
    )
