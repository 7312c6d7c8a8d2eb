"""Every Redis key the catalogue owns (prefix ``catalogue:``), in one place."""

from __future__ import annotations

from services.runtime.erasure import tombstone_key

PREFIX = "catalogue"
OUTBOX = f"{PREFIX}:outbox"
ORDER_ALL = f"{PREFIX}:order"
"""Lexicographic index of every activity by (start time, id): members are ordering keys."""


def activity(activity_id: str) -> str:
    return f"{PREFIX}:activity:{activity_id}"


def order_by_section(section_id: str) -> str:
    return f"{PREFIX}:order:section:{section_id}"


def order_by_edition(edition: str) -> str:
    return f"{PREFIX}:order:edition:{edition}" if edition else ""


def create_request(request_id: str) -> str:
    return f"{PREFIX}:create-request:{request_id}"


def enrolment(activity_id: str, student_id: str) -> str:
    return f"{PREFIX}:enrolment:{activity_id}:{student_id}"


def confirmed(activity_id: str) -> str:
    return f"{PREFIX}:confirmed:{activity_id}"


def waitlist(activity_id: str) -> str:
    return f"{PREFIX}:waitlist:{activity_id}"


def enrolments(activity_id: str) -> str:
    """Every student who enrolled, scored by the order of enrolment."""
    return f"{PREFIX}:enrolments:{activity_id}"


def student_activities(student_id: str) -> str:
    """Every activity the student enrolled in, so erasure finds their enrolments."""
    return f"{PREFIX}:student:{student_id}:activities"


def student_messages(student_id: str) -> str:
    """Sequences of the CATALOGUE messages naming the student, so erasure deletes them."""
    return f"{PREFIX}:student:{student_id}:messages"


def tombstone(student_id: str) -> str:
    """Set when the student was erased, until they create a profile again."""
    return tombstone_key(PREFIX, student_id)


ENROLMENT_PATTERN = f"{PREFIX}:enrolment:*"


def enrolment_of(key: str) -> tuple[str, str]:
    """The activity and the student of an :func:`enrolment` key (activity ids hold no colon;
    student ids may)."""
    activity_id, _, student_id = key.removeprefix(f"{PREFIX}:enrolment:").partition(":")
    return activity_id, student_id
