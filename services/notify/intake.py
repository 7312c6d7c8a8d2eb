"""From catalogue and matching facts to scheduled messages.

Each method handles one kind of fact and is safe to run twice: the message it schedules is
claimed on its natural key in the same atomic step (:mod:`services.notify.schedule`), so a
redelivered event or a second replica schedules nothing more. What is sent, when and on which
channel is the planner's decision (:mod:`services.notify.planner`); the sending itself is the
dispatcher's (:mod:`services.notify.dispatch`).

Editions in the natural key: the week edition for suggestions, the enrolment's revision for
enrolment messages (a student who enrols again after cancelling is told again), the
activity's version for changes and cancellations, the start time for reminders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from ulid import ULID

from services.notify.jobs import (
    Job,
    Notice,
    digest_timer_id,
    encode_item,
    reminder_timer_id,
)
from services.notify.messages import ActivityFacts, MessageKind, SuggestionItem
from services.notify.planner import (
    Plan,
    plan_suggestion,
    plan_transactional,
    reminder_time,
    student_zone,
)
from services.notify.projection import ActivityProjection, Attendance, activity_link, facts_of
from services.notify.quiet_hours import week_key
from services.notify.reasons import explanation_of
from services.notify.schedule import Added, Change, Outcome, Schedule
from services.notify.store import NotifyStore
from services.runtime import tracing
from services.runtime.clock import Clock, utc_now
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, Enrolment
from socialerasmus.matching.v1.events_pb2 import SuggestionCreated
from socialerasmus.notify.v1.notify_pb2 import Delivery, DeliveryStatus

__all__ = ["NOTABLE_CHANGES", "STALE_AFTER", "Intake", "Scheduled", "delivery_jobs"]


STALE_AFTER: Final = timedelta(hours=24)
"""Facts older than this (a replay after a long outage) update notify's view but send nothing."""

NOTABLE_CHANGES: Final = frozenset(
    {"title", "starts_at", "ends_at", "time_zone", "location", "languages", "type"}
)
"""Changes of an activity that enrolled students are told about."""

SKIP_STALE: Final = "event too old to announce"
SKIP_BUDGET: Final = "weekly suggestion budget used"
SKIP_ERASED: Final = "student erased"


@dataclass(slots=True)
class Scheduled:
    """What :class:`Intake` did with one fact, for logs and tests."""

    messages: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def delivery_jobs(notice: Notice, plan: Plan, now: datetime) -> list[Added]:
    """One delivery job per channel of ``plan``, due at its send time, under one message id."""
    message_id = str(ULID())
    return [
        Added(
            Job(
                job_id=f"{message_id}:{channel}",
                notice=notice,
                channel=channel,
                message_id=message_id,
                natural_key=plan.natural_key,
                created_ms=_ms(now),
                traceparent=tracing.current_traceparent(),
            ),
            plan.send_at,
        )
        for channel in plan.channels
    ]


class Intake:
    """Turns facts into jobs; ``wake`` is called when something is due now."""

    def __init__(
        self,
        store: NotifyStore,
        schedule: Schedule,
        projection: ActivityProjection,
        *,
        activity_url: str = "",
        clock: Clock = utc_now,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.schedule = schedule
        self.projection = projection
        self.activity_url = activity_url
        self.clock = clock
        self.wake = wake

    # Catalogue ------------------------------------------------------------------------

    async def activity_published(self, activity: Activity) -> None:
        await self.projection.save(activity)

    async def activity_completed(self, activity: Activity) -> None:
        await self.projection.save(activity)
        for student in await self.projection.attendees(activity.id):
            await self.schedule.cancel(student, [reminder_timer_id(student, activity.id)])

    async def activity_updated(
        self, activity: Activity, changed_fields: Iterable[str], occurred_at: datetime
    ) -> Scheduled:
        """Tells everyone enrolled about notable changes and moves their reminders."""
        result = Scheduled()
        if not await self.projection.save(activity):
            return result  # an older version than the one known: already handled
        changed = tuple(f for f in changed_fields if f in NOTABLE_CHANGES)
        if not changed:
            return result
        facts = self._facts(activity)
        moved = "starts_at" in changed
        now = self.clock()
        for student, status in (await self.projection.attendees(activity.id)).items():
            if moved and status is Attendance.CONFIRMED:
                await self._set_reminder(student, facts, now)
            notice = Notice(
                kind=MessageKind.ACTIVITY_CHANGED,
                student_id=student,
                activity_id=activity.id,
                activity=facts,
                changed_fields=changed,
            )
            await self._transactional(notice, str(activity.version), occurred_at, result)
        return result

    async def activity_cancelled(
        self, activity: Activity, reason: str, occurred_at: datetime
    ) -> Scheduled:
        """Tells everyone enrolled (waitlisted too) and withdraws their reminders."""
        result = Scheduled()
        await self.projection.save(activity)
        facts = self._facts(activity)
        for student in await self.projection.attendees(activity.id):
            await self.schedule.cancel(student, [reminder_timer_id(student, activity.id)])
            notice = Notice(
                kind=MessageKind.ACTIVITY_CANCELLED,
                student_id=student,
                activity_id=activity.id,
                activity=facts,
                reason=reason,
            )
            await self._transactional(notice, str(activity.version), occurred_at, result)
        return result

    async def enrolment_changed(
        self, kind: MessageKind, enrolment: Enrolment, occurred_at: datetime
    ) -> Scheduled:
        """Confirmed, waitlisted or promoted: the student is told, and a confirmed seat gets
        a reminder before the start."""
        result = Scheduled()
        activity = await self.projection.activity(enrolment.activity_id)
        if activity is None:
            # Published before any enrolment in the same stream: only a lagging replica or a
            # reordered redelivery gets here, and a retry finds the activity.
            raise LookupError(f"activity {enrolment.activity_id} is not known yet")
        student = enrolment.student_id
        confirmed = kind is not MessageKind.ENROLMENT_WAITLISTED
        attending = await self.projection.attend(
            activity.id, student, Attendance.CONFIRMED if confirmed else Attendance.WAITLISTED
        )
        if not attending:  # an erased student's enrolment, sent before the erasure
            result.skipped.append(SKIP_ERASED)
            return result
        facts = self._facts(activity)
        if confirmed:
            await self._set_reminder(student, facts, self.clock())
        notice = Notice(
            kind=kind,
            student_id=student,
            activity_id=activity.id,
            activity=facts,
            waitlist_position=enrolment.waitlist_position,
        )
        edition = str(enrolment.updated_at.ToMilliseconds())
        await self._transactional(notice, edition, occurred_at, result)
        return result

    async def enrolment_cancelled(self, enrolment: Enrolment) -> None:
        student = enrolment.student_id
        await self.projection.leave(enrolment.activity_id, student)
        await self.schedule.cancel(student, [reminder_timer_id(student, enrolment.activity_id)])

    # Matching -------------------------------------------------------------------------

    async def suggestion_created(self, event: SuggestionCreated) -> Scheduled:
        result = Scheduled()
        now = self.clock()
        student = event.student_id
        if await self.store.is_erased(student):
            result.skipped.append(SKIP_ERASED)
            return result
        prefs = await self.store.preferences(student)
        facts = await self._suggested_facts(event)
        plan = plan_suggestion(
            prefs, student, event.activity_id, facts.causes, event.week_edition or "-", now
        )
        if plan.skipped:
            await self._record_skip(student, plan.kind, plan.skip_reason)
            result.skipped.append(plan.skip_reason)
            return result
        if now - event.occurred_at.ToDatetime(tzinfo=UTC) > STALE_AFTER:
            result.skipped.append(SKIP_STALE)
            return result
        explanation = explanation_of(event.reasons, event.facts, event.explanation)
        notice = Notice(
            kind=MessageKind.SUGGESTION,
            student_id=student,
            activity_id=event.activity_id,
            activity=facts,
            explanation=explanation,
        )
        change = Change(
            student,
            natural_key=plan.natural_key,
            budget_week=week_key(now, student_zone(prefs)),
            budget=prefs.weekly_suggestion_budget,
        )
        if plan.digest:
            timer = Job(
                job_id=digest_timer_id(student),
                notice=Notice(kind=MessageKind.DIGEST, student_id=student),
                created_ms=_ms(now),
                traceparent=tracing.current_traceparent(),
            )
            change.add.append(Added(timer, plan.send_at, keep_existing=True))
            change.digest_set[event.activity_id] = encode_item(SuggestionItem(facts, explanation))
            await self._apply(change, plan, result, now, announce=False)
        else:
            change.add += delivery_jobs(notice, plan, now)
            await self._apply(change, plan, result, now)
        return result

    async def profile_erased(self, student_id: str) -> int:
        """Every trace of the student in notify goes: schedule, activity lists, own keys.

        Called once the student's tombstone is set, which keeps out anything written about
        them meanwhile (each script that writes checks it), so nothing comes back after."""
        removed = await self.schedule.forget_student(student_id)
        await self.projection.forget_student(student_id)
        return removed + await self.store.erase(student_id)

    # Shared ---------------------------------------------------------------------------

    async def _transactional(
        self, notice: Notice, edition: str, occurred_at: datetime, result: Scheduled
    ) -> None:
        now = self.clock()
        if now - occurred_at > STALE_AFTER:
            result.skipped.append(SKIP_STALE)
            return
        prefs = await self.store.preferences(notice.student_id)
        plan = plan_transactional(
            prefs, notice.kind, notice.student_id, notice.activity_id, edition, now
        )
        if plan.skipped:
            await self._record_skip(notice.student_id, plan.kind, plan.skip_reason)
            result.skipped.append(plan.skip_reason)
            return
        change = Change(notice.student_id, natural_key=plan.natural_key)
        change.add += delivery_jobs(notice, plan, now)
        await self._apply(change, plan, result, now)

    async def _apply(
        self, change: Change, plan: Plan, result: Scheduled, now: datetime, announce: bool = True
    ) -> None:
        outcome = await self.schedule.apply(change)
        if outcome is Outcome.DUPLICATE:
            result.duplicates += 1
        elif outcome is Outcome.ERASED:
            result.skipped.append(SKIP_ERASED)
        elif outcome is Outcome.OVER_BUDGET:
            await self._record_skip(change.student_id, plan.kind, SKIP_BUDGET)
            result.skipped.append(SKIP_BUDGET)
        else:
            result.messages += 1
            if announce and plan.send_at <= now:
                self.wake()

    async def _set_reminder(self, student_id: str, facts: ActivityFacts, now: datetime) -> None:
        """Schedules (or moves) the student's reminder for the activity's current start."""
        timer_id = reminder_timer_id(student_id, facts.activity_id)
        due = reminder_time(facts.starts_at, now)
        if due is None:
            await self.schedule.cancel(student_id, [timer_id])
            return
        notice = Notice(
            kind=MessageKind.REMINDER,
            student_id=student_id,
            activity_id=facts.activity_id,
            activity=facts,
        )
        timer = Job(
            job_id=timer_id,
            notice=notice,
            created_ms=_ms(now),
            traceparent=tracing.current_traceparent(),
        )
        await self.schedule.apply(Change(student_id, add=[Added(timer, due)]))
        if due <= now:
            self.wake()

    async def _suggested_facts(self, event: SuggestionCreated) -> ActivityFacts:
        """The activity as notify knows it, else the facts the suggestion carries."""
        activity = await self.projection.activity(event.activity_id)
        if activity is not None:
            return self._facts(activity)
        starts_at = event.activity_starts_at.ToDatetime(tzinfo=UTC)
        return ActivityFacts(
            activity_id=event.activity_id,
            title=event.activity_title,
            starts_at=starts_at,
            ends_at=starts_at,
            time_zone=event.activity_time_zone,
            city=event.activity_city,
            country_code="",
            online=False,
            causes=tuple(event.activity_causes),
            venue="",
            url=activity_link(self.activity_url, event.activity_id),
        )

    def _facts(self, activity: Activity) -> ActivityFacts:
        return facts_of(activity, self.activity_url)

    async def _record_skip(self, student_id: str, kind: MessageKind, reason: str) -> None:
        """A message not sent is still queryable, with its reason."""
        delivery = Delivery(
            message_id=str(ULID()),
            student_id=student_id,
            kind=kind.value,
            status=DeliveryStatus.DELIVERY_STATUS_SKIPPED,
            reason=reason,
        )
        delivery.updated_at.FromDatetime(self.clock())
        await self.store.record_delivery(delivery)
