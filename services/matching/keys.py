"""Every Redis key the matching service owns (prefix ``matching:``), in one place."""

from __future__ import annotations

from services.runtime.erasure import tombstone_key

PREFIX = "matching"
OUTBOX = f"{PREFIX}:outbox"
FEEDBACK_LOG = f"{PREFIX}:feedback"
"""Every feedback event, for learning the weights and offline evaluation."""


def profile(student_id: str) -> str:
    return f"{PREFIX}:profile:{student_id}"


def section_students(section_id: str) -> str:
    """Students hosted by a section who opted in to suggestions (reverse matching)."""
    return f"{PREFIX}:section:{section_id}:students"


def week_students(edition: str) -> str:
    return f"{PREFIX}:week:{edition}:students"


def excluded(student_id: str) -> str:
    """Activities never to suggest again to the student: enrolled or dismissed."""
    return f"{PREFIX}:excluded:{student_id}"


def suggested(student_id: str) -> str:
    """Activities already suggested to the student by reverse matching."""
    return f"{PREFIX}:suggested:{student_id}"


def weekly_budget(student_id: str, iso_week: str) -> str:
    return f"{PREFIX}:budget:{student_id}:{iso_week}"


def feedback_entries(student_id: str) -> str:
    """Ids of the student's entries in FEEDBACK_LOG, so erasure can find them."""
    return f"{PREFIX}:feedback-of:{student_id}"


def attendance(student_id: str) -> str:
    """The attendance marks taken from the catalogue, by activity: when each was marked and
    the ATTENDED entry of FEEDBACK_LOG it made (none when marked absent)."""
    return f"{PREFIX}:attendance:{student_id}"


def tombstone(student_id: str) -> str:
    """Set when the student's profile is erased, until they create one again."""
    return tombstone_key(PREFIX, student_id)


ALLOCATION_PATTERN = f"{PREFIX}:allocation:*"


def allocation(allocation_id: str) -> str:
    """A Week allocation stored whole (a serialised ``AllocateWeekResponse``), as it was until
    allocations were stored in blocks: read until those left have expired."""
    return f"{PREFIX}:allocation:{allocation_id}"


ALLOCATION_BLOCKS_PATTERN = f"{PREFIX}:allocation-blocks:*"


def allocation_blocks(allocation_id: str) -> str:
    """A Week allocation in blocks (see allocation_blocks): a hash of the blocks by name, and
    their index under :data:`ALLOCATION_INDEX_FIELD`."""
    return f"{PREFIX}:allocation-blocks:{allocation_id}"


ALLOCATION_INDEX_FIELD = "index"


def student_keys(student_id: str) -> list[str]:
    """Keys holding only this student's data."""
    return [
        profile(student_id),
        excluded(student_id),
        suggested(student_id),
        feedback_entries(student_id),
        attendance(student_id),
    ]
