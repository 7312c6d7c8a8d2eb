"""Sends what is due: claims jobs from the schedule and delivers them, one attempt each.

Every replica runs a :class:`Dispatcher`. A claimed job is leased to it
(:meth:`services.notify.schedule.Schedule.claim_due`), so each is handled by one replica.
A timer (reminder, digest) becomes delivery jobs with the preferences and activity facts of
the moment it is due. A delivery job is rendered in the student's language and sent on its
channel; a failure that may pass is scheduled again by the retry policy, one that will not
(or the last allowed attempt) is recorded as failed and sent to the dead-letter subject,
through the outbox (``services.notify.events``).

Delivery is at least once at the channel's edge: a replica that dies after the channel
accepted a message but before removing the job leaves it to be sent again once the lease
ends. The in-app inbox ignores the repeat (same item id); webhooks repeat the same
``webhook-id`` and e-mail the same ``Message-ID``, which receivers use to drop it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from services.notify.calendar_file import calendar_file
from services.notify.email_channel import EmailChannel
from services.notify.events import delivery_events
from services.notify.intake import delivery_jobs
from services.notify.jobs import Job, Notice, decode_item
from services.notify.messages import MessageContext, MessageKind, RenderedMessage
from services.notify.planner import (
    CHANNEL_EMAIL,
    CHANNEL_IN_APP,
    CHANNEL_WEBHOOK,
    TRANSACTIONAL_KINDS,
    Plan,
    channels_for,
    digest_key,
    next_digest_time,
    plan_transactional,
    send_time,
)
from services.notify.projection import ActivityProjection, facts_of
from services.notify.rendering import Renderer
from services.notify.retry import DeliveryAttempt, Outcome, RetryPolicy
from services.notify.schedule import Added, Change, ClaimedJob, Schedule
from services.notify.schedule import Outcome as Applied
from services.notify.store import NotifyStore
from services.notify.unsubscribe import make_token
from services.notify.webhook_channel import WebhookChannel
from services.runtime import metrics, tracing
from services.runtime.clock import Clock, utc_now
from socialerasmus.catalogue.v1.catalogue_pb2 import ActivityState
from socialerasmus.notify.v1.notify_pb2 import Delivery, DeliveryStatus, InboxItem, Preferences

__all__ = ["Dispatcher", "Links", "Report", "webhook_payload"]

log = logging.getLogger(__name__)

LEASE_SECONDS: Final = 120.0
"""Default lease: longer than any single attempt may take (SMTP commands time out after
30 s), or a slow attempt's job could be taken and sent again by another replica."""
SKIP_CHANNEL_OFF: Final = "channel turned off since"
SKIP_UNSUBSCRIBED: Final = "unsubscribed"
SKIP_NOT_CONFIGURED: Final = "channel not configured on this server"


@dataclass(frozen=True, slots=True)
class Links:
    """Where the links of a message lead. ``unsubscribe_url`` gets ``token=…`` appended."""

    unsubscribe_secret: bytes
    unsubscribe_url: str
    manage_url: str = ""
    activity_url: str = ""

    def unsubscribe(self, student_id: str, now: datetime) -> str:
        separator = "&" if "?" in self.unsubscribe_url else "?"
        token = make_token(self.unsubscribe_secret, student_id, now)
        return f"{self.unsubscribe_url}{separator}token={token}"


Report = Callable[[Delivery, Job], Awaitable[None]]


async def _ignore(delivery: Delivery, job: Job) -> None:
    return None


class Dispatcher:
    def __init__(
        self,
        store: NotifyStore,
        schedule: Schedule,
        projection: ActivityProjection,
        renderer: Renderer,
        links: Links,
        *,
        email: EmailChannel | None = None,
        webhook: WebhookChannel | None = None,
        retry: RetryPolicy | None = None,
        report: Report = _ignore,
        clock: Clock = utc_now,
        batch: int = 64,
        poll_seconds: float = 0.25,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.store = store
        self.schedule = schedule
        self.projection = projection
        self.renderer = renderer
        self.links = links
        self.email = email
        self.webhook = webhook
        self.retry = retry or RetryPolicy()
        self.report = report
        """Called after each final outcome (delivered, failed, skipped) and each retry."""
        self.clock = clock
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        """How long a claimed job stays with this replica before another may take it."""
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something is due now: look at the schedule without waiting for the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Cleared before claiming, so a wake-up during the claim is not lost.
            self._wake.clear()
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("dispatching failed; trying again")
                handled = 0
            if handled:
                continue
            try:
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Claims the jobs due now and handles them; returns how many there were."""
        claimed = await self.schedule.claim_due(self.clock(), self.lease_seconds, self.batch)
        if claimed:
            await asyncio.gather(*(self.handle(c) for c in claimed))
        return len(claimed)

    async def handle(self, claimed: ClaimedJob) -> None:
        """Handles one claimed job in the trace of the fact that made it."""
        token = tracing.current.set(tracing.continue_from(claimed.job.traceparent or None))
        try:
            if await self.store.is_erased(claimed.job.student_id):
                # Claimed just before the erasure removed it: it goes unsent and unrecorded.
                await self.schedule.done(claimed)
            elif claimed.job.is_timer:
                await self._expand(claimed)
            else:
                await self._deliver(claimed)
        except Exception:
            # Left leased: it comes due again when the lease ends, on any replica.
            log.exception("job failed", extra={"job": claimed.job.job_id})
        finally:
            tracing.current.reset(token)

    # Timers ---------------------------------------------------------------------------

    async def _expand(self, claimed: ClaimedJob) -> None:
        kind = claimed.job.notice.kind
        if kind is MessageKind.REMINDER:
            await self._expand_reminder(claimed)
        elif kind is MessageKind.DIGEST:
            await self._expand_digest(claimed)
        else:
            log.error("unknown timer %s dropped", claimed.job.job_id)
            await self.schedule.done(claimed)

    async def _expand_reminder(self, claimed: ClaimedJob) -> None:
        notice = claimed.job.notice
        now = self.clock()
        activity = await self.projection.activity(notice.activity_id)
        if activity is None or activity.state != ActivityState.ACTIVITY_STATE_PUBLISHED:
            await self.schedule.done(claimed)
            return
        facts = facts_of(activity, self.links.activity_url)
        if facts.starts_at <= now:
            await self.schedule.done(claimed)
            return
        prefs = await self.store.preferences(notice.student_id)
        edition = str(int(facts.starts_at.timestamp()))
        plan = plan_transactional(
            prefs, MessageKind.REMINDER, notice.student_id, activity.id, edition, now
        )
        if plan.send_at >= facts.starts_at:
            # Quiet hours would hold the reminder until after the start: send it now.
            plan = Plan(plan.natural_key, plan.kind, plan.channels, now)
        reminder = Notice(
            kind=MessageKind.REMINDER,
            student_id=notice.student_id,
            activity_id=activity.id,
            activity=facts,
        )
        await self._replace_timer(claimed, prefs, reminder, plan, now)

    async def _expand_digest(self, claimed: ClaimedJob) -> None:
        student = claimed.job.student_id
        now = self.clock()
        waiting = await self.schedule.digest_items(student)
        prefs = await self.store.preferences(student)
        muted = set(prefs.muted_causes)
        items = sorted(
            (
                item
                for item in map(decode_item, waiting.values())
                if item.activity.starts_at > now and not muted.intersection(item.activity.causes)
            ),
            key=lambda item: (item.activity.starts_at, item.activity.activity_id),
        )
        channels = () if prefs.unsubscribed or not items else channels_for(prefs)
        plan = Plan(
            digest_key(student, waiting),
            MessageKind.DIGEST,
            channels,
            send_time(prefs, now),
        )
        digest = Notice(kind=MessageKind.DIGEST, student_id=student, items=tuple(items))
        await self._replace_timer(claimed, prefs, digest, plan, now, digested=list(waiting))
        if set(await self.schedule.digest_items(student)) - set(waiting):
            # Suggested while this digest was being made: they start the next one.
            timer = Job(job_id=claimed.job.job_id, notice=claimed.job.notice, created_ms=0)
            next_time = next_digest_time(prefs, now)
            await self.schedule.apply(
                Change(student, add=[Added(timer, next_time, keep_existing=True)])
            )

    async def _replace_timer(  # noqa: PLR0917
        self,
        claimed: ClaimedJob,
        prefs: Preferences,
        notice: Notice,
        plan: Plan,
        now: datetime,
        digested: list[str] | None = None,
    ) -> None:
        """Swaps a due timer for its delivery jobs in one step, claiming the message's key."""
        removal = [(claimed.job.job_id, claimed.encoded)]
        if not plan.channels:
            await self.schedule.apply(
                Change(prefs.student_id, remove=removal, digest_delete=digested or [])
            )
            return
        change = Change(
            prefs.student_id,
            natural_key=plan.natural_key,
            add=delivery_jobs(notice, plan, now),
            remove=removal,
            digest_delete=digested or [],
        )
        if await self.schedule.apply(change) is Applied.DUPLICATE:
            await self.schedule.done(claimed)  # sent before: only the timer goes
        elif plan.send_at <= now:
            self.wake()

    # Deliveries -----------------------------------------------------------------------

    async def _deliver(self, claimed: ClaimedJob) -> None:
        job = claimed.job
        prefs = await self.store.preferences(job.student_id)
        now = self.clock()
        reason = self._skip_reason(job, prefs)
        if reason:
            await self._finish(claimed, DeliveryStatus.DELIVERY_STATUS_SKIPPED, reason, now, 0)
            return
        context = self._context(job.notice, prefs, now)
        try:
            rendered = self.renderer.render(context, html=job.channel != CHANNEL_IN_APP)
        except ValueError as error:
            await self._fail(claimed, f"cannot render: {error}", now)
            return
        attempt = await self._attempt(job, prefs, rendered, context.unsubscribe_url, now)
        attempts = job.attempts + 1
        if attempt.outcome is Outcome.DELIVERED:
            await self._finish(claimed, DeliveryStatus.DELIVERY_STATUS_DELIVERED, "", now, 1)
            return
        reason = attempt.error or attempt.outcome.value
        delay = None
        if attempt.outcome is Outcome.RETRY:
            delay = self.retry.next_delay(attempts, attempt.retry_after, now=now)
        if delay is None:
            await self._fail(claimed, reason, now)
            return
        again = job.retried()
        await self.schedule.apply(
            Change(job.student_id, add=[Added(again, now + timedelta(seconds=delay))])
        )
        delivery = self._delivery(
            job, DeliveryStatus.DELIVERY_STATUS_RETRYING, reason, now, attempts
        )
        await self.store.record_delivery(delivery)
        await self._announce(delivery, again)

    def _skip_reason(self, job: Job, prefs: Preferences) -> str:
        if job.notice.kind in {MessageKind.SUGGESTION, MessageKind.DIGEST} and prefs.unsubscribed:
            return SKIP_UNSUBSCRIBED
        if job.channel not in channels_for(prefs):
            return SKIP_CHANNEL_OFF
        if (job.channel == CHANNEL_EMAIL and self.email is None) or (
            job.channel == CHANNEL_WEBHOOK and self.webhook is None
        ):
            return SKIP_NOT_CONFIGURED
        return ""

    def _context(self, notice: Notice, prefs: Preferences, now: datetime) -> MessageContext:
        # Unsubscribing does not stop transactional messages: a link to it there would lie.
        transactional = notice.kind in TRANSACTIONAL_KINDS
        return MessageContext(
            kind=notice.kind,
            student_id=notice.student_id,
            locale=prefs.locale,
            student_time_zone=prefs.time_zone,
            unsubscribe_url="" if transactional else self.links.unsubscribe(notice.student_id, now),
            activity=notice.activity,
            items=notice.items,
            explanation=notice.explanation,
            reason=notice.reason,
            changed_fields=notice.changed_fields,
            waitlist_position=notice.waitlist_position,
            manage_url=self.links.manage_url,
            display_name=prefs.display_name,
        )

    async def _attempt(
        self,
        job: Job,
        prefs: Preferences,
        rendered: RenderedMessage,
        unsubscribe_url: str,
        now: datetime,
    ) -> DeliveryAttempt:
        if job.channel == CHANNEL_IN_APP:
            item = InboxItem(
                id=job.message_id,
                student_id=job.student_id,
                kind=job.notice.kind.value,
                subject=rendered.subject,
                text=rendered.text,
                activity_id=job.notice.activity_id,
            )
            item.created_at.FromDatetime(now)
            await self.store.add_inbox_item(item)  # the same id twice is stored once
            return DeliveryAttempt(Outcome.DELIVERED)
        if job.channel == CHANNEL_EMAIL and self.email is not None:
            return await self.email.send(
                prefs.email,
                rendered.subject,
                text=rendered.text,
                html=rendered.html,
                message_id=job.message_id,
                list_unsubscribe_url=unsubscribe_url,
                calendar=calendar_file(job.notice.kind, job.notice.activity, now),
            )
        if job.channel == CHANNEL_WEBHOOK and self.webhook is not None:
            payload = webhook_payload(job, rendered, now)
            return await self.webhook.deliver(prefs.webhook_url, job.message_id, payload, now)
        return DeliveryAttempt(Outcome.GIVE_UP, error=f"unknown channel {job.channel!r}")

    async def _finish(
        self,
        claimed: ClaimedJob,
        status: DeliveryStatus.ValueType,
        reason: str,
        now: datetime,
        attempted: int,
    ) -> None:
        """Records the final status, removes the job and reports it. ``attempted`` is 1 when
        this handling made an attempt on the channel, 0 when it skipped the message."""
        job = claimed.job
        delivery = self._delivery(job, status, reason, now, job.attempts + attempted)
        await self.store.record_delivery(delivery, delivery_events(delivery, job))
        await self.schedule.done(claimed)
        await self._announce(delivery, job)

    async def _announce(self, delivery: Delivery, job: Job) -> None:
        """Counts the outcome and reports it, once it is recorded (with its events, in the
        outbox)."""
        outcome = DeliveryStatus.Name(delivery.status).removeprefix("DELIVERY_STATUS_").lower()
        metrics.NOTIFICATIONS.labels(delivery.kind, delivery.channel, outcome).inc()
        await self.report(delivery, job)

    async def _fail(self, claimed: ClaimedJob, reason: str, now: datetime) -> None:
        log.warning(
            "delivery failed for good: %s",
            reason,
            extra={"job": claimed.job.job_id, "attempts": claimed.job.attempts + 1},
        )
        await self._finish(claimed, DeliveryStatus.DELIVERY_STATUS_FAILED, reason, now, 1)

    def _delivery(
        self, job: Job, status: DeliveryStatus.ValueType, reason: str, now: datetime, attempts: int
    ) -> Delivery:
        delivery = Delivery(
            message_id=job.message_id,
            student_id=job.student_id,
            kind=job.notice.kind.value,
            channel=job.channel,
            status=status,
            attempts=attempts,
            reason=reason,
        )
        delivery.updated_at.FromDatetime(now)
        return delivery


def webhook_payload(job: Job, rendered: RenderedMessage, now: datetime) -> bytes:
    """The JSON body of a webhook, in the Standard Webhooks shape (type, timestamp, data)."""
    body = {
        "type": f"notification.{job.notice.kind.value}",
        "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {
            "message_id": job.message_id,
            "student_id": job.student_id,
            "kind": job.notice.kind.value,
            "activity_id": job.notice.activity_id,
            "activity_url": job.notice.activity.url if job.notice.activity else "",
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
