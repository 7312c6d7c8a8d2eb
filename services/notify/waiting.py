"""What a student's messages wait for, told as deliveries (``ListDeliveries``).

The delivery log records what happened to a message (delivered, retrying, failed, skipped);
what has not happened yet is in the schedule. This module turns the student's scheduled jobs
into SCHEDULED (or RETRYING) deliveries with their due time and the reason they wait, and
puts them before the log. Pure: the jobs and the time come in, the deliveries go out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from services.notify.jobs import Job
from services.notify.messages import MessageKind
from socialerasmus.notify.v1.notify_pb2 import Delivery, DeliveryStatus, WaitingFor

__all__ = ["REASONS", "waiting", "with_waiting"]

REASONS = {
    WaitingFor.WAITING_FOR_QUIET_HOURS: "quiet hours",
    WaitingFor.WAITING_FOR_DIGEST: "collected for the digest",
    WaitingFor.WAITING_FOR_RETRY_BACKOFF: "next attempt after a failure",
    WaitingFor.WAITING_FOR_REMINDER_TIME: "reminder before the start",
    WaitingFor.WAITING_FOR_UNSPECIFIED: "being sent",
}
"""The reason of a waiting delivery, in English (``Delivery.reason``)."""


def _waits_for(job: Job, due_ms: int, now_ms: int) -> WaitingFor.ValueType:
    if job.is_timer:
        return (
            WaitingFor.WAITING_FOR_DIGEST
            if job.notice.kind is MessageKind.DIGEST
            else WaitingFor.WAITING_FOR_REMINDER_TIME
        )
    if due_ms <= now_ms:
        return WaitingFor.WAITING_FOR_UNSPECIFIED  # due: claimed by a replica, or about to be
    if job.attempts:
        return WaitingFor.WAITING_FOR_RETRY_BACKOFF
    # A first attempt is scheduled later than its fact only to leave the student's quiet
    # hours (digests and reminders wait as timers, above, before becoming deliveries).
    return WaitingFor.WAITING_FOR_QUIET_HOURS


def waiting(jobs: Iterable[tuple[Job, int]], now: datetime, digest_size: int = 0) -> list[Delivery]:
    """One delivery per job, soonest first: each job with the time it is due (ms).
    ``digest_size`` is the number of suggestions waiting for the digest."""
    now_ms = int(now.timestamp() * 1000)
    found = []
    for job, due_ms in sorted(jobs, key=lambda pair: (pair[1], pair[0].job_id)):
        reason = _waits_for(job, due_ms, now_ms)
        delivery = Delivery(
            message_id=job.message_id,
            student_id=job.student_id,
            kind=job.notice.kind.value,
            channel=job.channel,
            status=DeliveryStatus.DELIVERY_STATUS_RETRYING
            if job.attempts
            else DeliveryStatus.DELIVERY_STATUS_SCHEDULED,
            attempts=job.attempts,
            reason=REASONS[reason],
            waiting_for=reason,
        )
        if reason == WaitingFor.WAITING_FOR_DIGEST and digest_size:
            delivery.reason = f"{REASONS[reason]} ({digest_size} waiting)"
        delivery.updated_at.FromMilliseconds(job.created_ms)
        delivery.due_at.FromMilliseconds(due_ms)
        found.append(delivery)
    return found


def with_waiting(
    waiting: Sequence[Delivery], logged: Sequence[Delivery], limit: int
) -> list[Delivery]:
    """What waits, then the log, at most ``limit``. A retry waiting shows once: the log's
    record (with its reason, the last error) with the due time and why it waits."""
    logged_by_message = {(d.message_id, d.channel): d for d in logged}
    merged: list[Delivery] = []
    for pending in waiting:
        record = logged_by_message.get((pending.message_id, pending.channel))
        if pending.message_id and record is not None:
            shown = Delivery()
            shown.CopyFrom(record)
            shown.due_at.CopyFrom(pending.due_at)
            shown.waiting_for = pending.waiting_for
            merged.append(shown)
        else:
            merged.append(pending)
    listed = {(d.message_id, d.channel) for d in merged if d.message_id}
    merged += [d for d in logged if (d.message_id, d.channel) not in listed]
    return merged[:limit]
