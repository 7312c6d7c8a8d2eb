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


def student_enrolments(student_id: str) -> str:
    """The student's enrolments, one member each, ``<status>:<created_ms>:<activity_id>``
    (13 digits of milliseconds; all scores 0, so members sort by status, then in the order
    they were made): their listing, and how erasure finds them. Kept by the scripts that
    enrol, cancel, promote and erase."""
    return f"{PREFIX}:student:{student_id}:enrolments"


def student_activities(student_id: str) -> str:
    """The activities the student enrolled in, as enrolments made before
    :func:`student_enrolments` existed were indexed; read by erasure only."""
    return f"{PREFIX}:student:{student_id}:activities"


ENROLMENTS_INDEXED = f"{PREFIX}:migrated:student-enrolments"
"""Set once every enrolment made before :func:`student_enrolments` existed is in it."""


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
