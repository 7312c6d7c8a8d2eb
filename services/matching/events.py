"""Events of the matching service, in one place: what it publishes and what it consumes.

Publishes: ``se.matching.suggestion.created`` (reverse matching), ``se.matching.profile.erased``
(GDPR erasure, consumed by the catalogue and notify) and ``se.matching.profile.recreated``
(a profile after an erasure: they take facts about the student again),
``se.matching.allocation.proposed``.
Consumes: every ``se.catalogue.>`` event, twice: each replica follows the whole stream to
keep its in-memory activity index (ordered consumer, replayed from the start), and one
shared durable consumer per job (reverse matching, enrolment bookkeeping).
"""

from __future__ import annotations

from services.matching.vocabulary import explanation
from services.runtime import erasure
from services.runtime.bus import ConsumerSpec
from services.runtime.events import OutgoingEvent, event_of, new_event_id, timestamp_now
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity
from socialerasmus.matching.v1 import events_pb2
from socialerasmus.matching.v1.matching_pb2 import Assignment, MatchFacts, Reason

SUGGESTION_CREATED = "se.matching.suggestion.created"
PROFILE_ERASED = erasure.PROFILE_ERASED
PROFILE_RECREATED = erasure.PROFILE_RECREATED
ALLOCATION_PROPOSED = "se.matching.allocation.proposed"

CATALOGUE_SUBJECTS = "se.catalogue.>"

REVERSE_MATCHING = ConsumerSpec(
    durable="matching-reverse",
    stream="CATALOGUE",
    subjects=("se.catalogue.activity.published",),
)
ENROLMENT_BOOKKEEPING = ConsumerSpec(
    durable="matching-enrolments",
    stream="CATALOGUE",
    subjects=("se.catalogue.enrolment.>",),
)
CONSUMERS = (REVERSE_MATCHING, ENROLMENT_BOOKKEEPING)


def suggestion_created(
    student_id: str,
    activity: Activity,
    score: float,
    reasons: list[Reason],
    facts: MatchFacts | None = None,
) -> OutgoingEvent:
    """The suggestion of ``activity`` to a student, with what notify needs to tell why."""
    details = activity.details
    return event_of(
        SUGGESTION_CREATED,
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
    return event_of(
        PROFILE_ERASED,
        events_pb2.ProfileErased(
            event_id=new_event_id(), occurred_at=timestamp_now(), student_id=student_id
        ),
    )


def profile_recreated(student_id: str) -> OutgoingEvent:
    return event_of(
        PROFILE_RECREATED,
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
    return event_of(
        ALLOCATION_PROPOSED,
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
