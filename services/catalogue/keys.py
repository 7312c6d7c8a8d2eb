"""Every Redis key the catalogue owns (prefix ``catalogue:``), in one place."""

from __future__ import annotations

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
