"""Every Redis key (and pub/sub channel) the notify service owns, prefix ``notify:``, in one place.

Keys of one student carry the student id as a hash tag, ``{ana}``: in a Redis Cluster they all
land in the same slot, so the Lua scripts of the store may touch several of them at once. Student
ids never contain braces (``services.kernel.ids.STUDENT_ID_PATTERN``), which also keeps
``{ana}`` from matching inside ``{anabel}``.
"""

from __future__ import annotations

import hashlib

from services.runtime.erasure import tombstone_key

PREFIX = "notify"
OUTBOX = f"{PREFIX}:outbox"
"""Stream of the delivery events waiting to be published (``services.runtime.outbox``),
appended to in the same script that records the delivery."""


def _student(student_id: str) -> str:
    return "{" + student_id + "}"


def preferences(student_id: str) -> str:
    return f"{PREFIX}:prefs:{_student(student_id)}"


def inbox(student_id: str) -> str:
    """Sorted set of the student's inbox item ids, scored by creation time in milliseconds."""
    return f"{PREFIX}:inbox:{_student(student_id)}"


def unread(student_id: str) -> str:
    """The subset of ``inbox`` not read yet, with the same scores."""
    return f"{PREFIX}:unread:{_student(student_id)}"


def inbox_item(student_id: str, item_id: str) -> str:
    """Hash of one inbox item: ``data`` (serialised InboxItem) and ``read`` ("0"/"1")."""
    return f"{PREFIX}:item:{_student(student_id)}:{item_id}"


def inbox_channel(student_id: str) -> str:
    """Pub/sub channel (not a key) carrying each new inbox item, serialised."""
    return f"{PREFIX}:inbox:{student_id}:new"


def student_of_inbox_channel(channel: str) -> str:
    """The student whose :func:`inbox_channel` this is."""
    return channel.removeprefix(f"{PREFIX}:inbox:").removesuffix(":new")


def claim(student_id: str, natural_key: str) -> str:
    """Marks a message as scheduled once (``services.notify.schedule``)."""
    return f"{PREFIX}:claim:{_student(student_id)}:{natural_key}"


def delivery(student_id: str, message_id: str) -> str:
    """Hash of a message's latest Delivery per channel (serialised), and its time (``at:…``)."""
    return f"{PREFIX}:delivery:{_student(student_id)}:{message_id}"


def recent_deliveries(student_id: str) -> str:
    """List of the student's most recently updated message ids, newest first, capped."""
    return f"{PREFIX}:deliveries:{_student(student_id)}"


def weekly_budget(student_id: str, week_key: str) -> str:
    return f"{PREFIX}:budget:{_student(student_id)}:{week_key}"


def student_index(student_id: str) -> str:
    """Set of every key written for the student, so erasure finds them all."""
    return f"{PREFIX}:keys:{_student(student_id)}"


def tombstone(student_id: str) -> str:
    """Set when the student was erased, until they create a profile again. No hash tag: it is
    named by a digest of the id (``services.runtime.erasure``)."""
    return tombstone_key(PREFIX, student_id)


def schedule() -> str:
    """Sorted set of every job id, scored by when it is due (ms); a claimed job is re-scored
    to the end of its lease, so it comes due again if the replica holding it dies."""
    return f"{PREFIX}:schedule"


def jobs() -> str:
    """Hash of job id to the job (JSON, ``services.notify.jobs``)."""
    return f"{PREFIX}:jobs"


def student_jobs(student_id: str) -> str:
    """Set of the student's job ids, so erasure removes their pending messages."""
    return f"{PREFIX}:jobs:{_student(student_id)}"


def digest(student_id: str) -> str:
    """Hash of activity id to a suggestion waiting for the student's next digest (JSON)."""
    return f"{PREFIX}:digest:{_student(student_id)}"


def activity(activity_id: str) -> str:
    """Hash of the latest known Activity (``data``, serialised) and its ``version``."""
    return f"{PREFIX}:activity:{activity_id}"


def enrolled(activity_id: str) -> str:
    """Hash of student id to enrolment status ("confirmed" / "waitlisted") of one activity."""
    return f"{PREFIX}:enrolled:{activity_id}"


def student_activities(student_id: str) -> str:
    """Set of the activities the student is enrolled in, so erasure can leave them."""
    return f"{PREFIX}:enrolments:{_student(student_id)}"


def address_digest(email: str) -> str:
    """The SHA-256 of an e-mail address as looked up (surrounding blanks and case ignored)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def students_with_email(digest: str) -> str:
    """Set of the students whose notification settings hold the address of ``digest`` (named
    by the digest, not the address); kept by the scripts that save and erase preferences."""
    return f"{PREFIX}:email:{digest}"


def email_of(student_id: str) -> str:
    """The digest of the address the student's settings hold, which :func:`students_with_email`
    lists them under."""
    return f"{PREFIX}:email-of:{_student(student_id)}"


EMAILS_INDEXED = f"{PREFIX}:migrated:email-index"
"""Set once the preferences saved before :func:`students_with_email` existed are in it."""


def sign_in_used(link_id: str) -> str:
    """Set when the sign-in link ``link_id`` signed someone in, until the link expires."""
    return f"{PREFIX}:sign-in-used:{link_id}"


def sign_in_sent(student_id: str) -> str:
    """Set for a minute after a sign-in link was mailed to the student (named by a digest of
    the id: it outlives an erasure by that minute)."""
    return f"{PREFIX}:sign-in-sent:{hashlib.sha256(student_id.encode()).hexdigest()}"
