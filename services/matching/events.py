"""Every event matching publishes, built from matching's registry.

Subjects and message types are in ``services.runtime.registry.matching``, where the catalogue
and notify find them too; who consumes each is said there. What matching consumes is in
``services.matching.subscriptions``.
"""

from __future__ import annotations

from services.matching.vocabulary import explanation
from services.runtime.events import OutgoingEvent, new_event_id, timestamp_now
from services.runtime.registry import matching
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity
from socialerasmus.matching.v1 import events_pb2
from socialerasmus.matching.v1.matching_pb2 import Assignment, MatchFacts, Reason


def suggestion_created(
    student_id: str,
    activity: Activity,
    score: float,
    reasons: list[Reason],
    facts: MatchFacts | None = None,
) -> OutgoingEvent:
    """The suggestion of ``activity`` to a student, with what notify needs to tell why."""
    details = activity.details
    return matching.SUGGESTION_CREATED.event(
        events_pb2.SuggestionCreated(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            student_id=student_id,
            activity_id=activity.id,
            score=score,
            reasons=reasons,
            explanation=explanation(reasons, facts),
            facts=facts,
            activity_title=details.title,
            activity_starts_at=details.starts_at,
            activity_time_zone=details.time_zone,
            activity_city=details.location.city,
            activity_causes=[int(c) for c in details.causes],
            week_edition=details.week_edition,
        ),
    )


def profile_erased(student_id: str) -> OutgoingEvent:
    return matching.PROFILE_ERASED.event(
        events_pb2.ProfileErased(
            event_id=new_event_id(), occurred_at=timestamp_now(), student_id=student_id
        ),
    )


def profile_recreated(student_id: str) -> OutgoingEvent:
    return matching.PROFILE_RECREATED.event(
        events_pb2.ProfileRecreated(
            event_id=new_event_id(), occurred_at=timestamp_now(), student_id=student_id
        ),
    )


def allocation_proposed(
    allocation_id: str,
    edition: str,
    assignments: list[Assignment],
    objective: float,
    gap: float,
    *,
    assignments_total: int,
) -> OutgoingEvent:
    return matching.ALLOCATION_PROPOSED.event(
        events_pb2.AllocationProposed(
            event_id=new_event_id(),
            occurred_at=timestamp_now(),
            allocation_id=allocation_id,
            week_edition=edition,
            assignments=assignments,
            objective=objective,
            optimality_gap=gap,
            assignments_total=assignments_total,
        ),
    )
