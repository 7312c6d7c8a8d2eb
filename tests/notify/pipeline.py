"""Notify's intake and dispatcher over the suite's real Redis, a real SMTP server and a real
HTTP receiver, with a clock the test moves."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import httpx
from google.protobuf.timestamp_pb2 import Timestamp
from redis.asyncio import Redis

from services.notify.dispatch import Dispatcher, Links
from services.notify.email_channel import EmailChannel
from services.notify.intake import Intake
from services.notify.jobs import Job
from services.notify.messages import MessageKind
from services.notify.projection import ActivityProjection
from services.notify.rendering import Renderer
from services.notify.retry import RetryPolicy
from services.notify.schedule import Schedule
from services.notify.signing import generate_secret
from services.notify.store import NotifyStore, default_preferences
from services.notify.webhook_channel import WebhookChannel
from services.runtime.smtp import SmtpSettings
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    Activity,
    ActivityDetails,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
)
from socialerasmus.common.v1.common_pb2 import Cause, Location
from socialerasmus.matching.v1.events_pb2 import SuggestionCreated
from socialerasmus.notify.v1.notify_pb2 import Delivery, InboxItem, Preferences
from tests.notify.receivers import Mailbox, WebhookReceiver, smtp_server, webhook_receiver

SECRET = b"pipeline-unsubscribe-secret"
WEBHOOK_SECRET = generate_secret()
UNSUBSCRIBE_URL = "https://platform.test/unsubscribe"
MANAGE_URL = "https://platform.test/notifications"
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Madrid


def stamp(moment: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(moment)
    return result


def activity(
    activity_id: str = "act-beach",
    *,
    starts_at: datetime = T0 + timedelta(days=5),
    version: int = 1,
    title: str = "Beach clean-up with ESN Valencia",
    causes: tuple[Cause.ValueType, ...] = (Cause.CAUSE_ENVIRONMENTAL_SUSTAINABILITY,),
    state: ActivityState.ValueType = ActivityState.ACTIVITY_STATE_PUBLISHED,
) -> Activity:
    return Activity(
        id=activity_id,
        version=version,
        state=state,
        details=ActivityDetails(
            title=title,
            causes=list(causes),
            section_id="esn-valencia-upv",
            starts_at=stamp(starts_at),
            ends_at=stamp(starts_at + timedelta(hours=3)),
            time_zone="Europe/Madrid",
            location=Location(city="Valencia", country_code="es", venue="Playa de la Malvarrosa"),
            capacity=20,
        ),
    )


def suggestion(
    student: str, act: Activity, occurred_at: datetime = T0, explanation: str = "You care about it"
) -> SuggestionCreated:
    details = act.details
    return SuggestionCreated(
        event_id=f"ev-{student}-{act.id}",
        occurred_at=stamp(occurred_at),
        student_id=student,
        activity_id=act.id,
        score=0.9,
        explanation=explanation,
        activity_title=details.title,
        activity_starts_at=details.starts_at,
        activity_time_zone=details.time_zone,
        activity_city=details.location.city,
        activity_causes=[int(c) for c in details.causes],
    )


def enrolment(
    student: str,
    activity_id: str = "act-beach",
    *,
    status: EnrolmentStatus.ValueType = EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED,
    updated_at: datetime = T0,
    position: int = 0,
) -> Enrolment:
    return Enrolment(
        activity_id=activity_id,
        student_id=student,
        status=status,
        waitlist_position=position,
        created_at=stamp(updated_at),
        updated_at=stamp(updated_at),
    )


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Pipeline:
    redis: Redis
    store: NotifyStore
    schedule: Schedule
    projection: ActivityProjection
    intake: Intake
    dispatcher: Dispatcher
    clock: Clock
    mailbox: Mailbox
    hooks: WebhookReceiver
    reports: list[tuple[Delivery, Job]] = field(default_factory=list)

    async def prefer(
        self,
        student: str,
        *,
        muted_causes: Sequence[Cause.ValueType] = (),
        quiet_hours: tuple[int, int] = (0, 0),
        **values: object,
    ) -> Preferences:
        """Saves the student's preferences: the defaults, e-mail and webhook on, ``values``."""
        prefs = default_preferences(student)
        prefs.email = f"{student}@students.test"
        prefs.webhook_url = self.hooks.url
        prefs.muted_causes.extend(muted_causes)
        prefs.quiet_hours.start_minute, prefs.quiet_hours.end_minute = quiet_hours
        for name, value in values.items():
            setattr(prefs, name, value)
        await self.store.save_preferences(prefs)
        return prefs

    async def send_due(self) -> int:
        """Runs the dispatcher until nothing is due at the clock's time; how many jobs ran."""
        total = 0
        while handled := await self.dispatcher.run_once():
            total += handled
        return total

    async def inbox(self, student: str) -> list[InboxItem]:
        items, _ = await self.store.list_inbox(student, page_size=100)
        return items

    def mails_to(self, student: str) -> list[EmailMessage]:
        return [m for m in self.mailbox.messages if m["To"] == f"{student}@students.test"]

    def hooks_for(self, student: str) -> list[dict[str, object]]:
        bodies = [json.loads(r.body) for r in self.hooks.received if r.rejection is None]
        return [b["data"] for b in bodies if b["data"]["student_id"] == student]

    def kinds(self, student: str) -> list[str]:
        return sorted(d.kind for d, _ in self.reports if d.student_id == student)

    async def confirm(self, student: str, act: Activity, at: datetime | None = None) -> None:
        await self.intake.enrolment_changed(
            MessageKind.ENROLMENT_CONFIRMED,
            enrolment(student, act.id, updated_at=at or self.clock.now),
            self.clock.now,
        )


@asynccontextmanager
async def pipeline(redis_url: str, retry: RetryPolicy | None = None) -> AsyncIterator[Pipeline]:
    redis = Redis.from_url(redis_url)
    clock = Clock()
    with smtp_server() as (mailbox, port):
        async with (
            webhook_receiver(secret=WEBHOOK_SECRET) as hooks,
            httpx.AsyncClient(trust_env=False) as http,
        ):
            email = EmailChannel(
                SmtpSettings(
                    host="127.0.0.1",
                    port=port,
                    username=None,
                    password=None,
                    starttls=False,
                    sender="ESN SocialErasmus <noreply@socialerasmus.test>",
                    timeout=5.0,
                )
            )
            store, schedule = NotifyStore(redis), Schedule(redis)
            projection = ActivityProjection(redis)
            reports: list[tuple[Delivery, Job]] = []

            async def report(delivery: Delivery, job: Job) -> None:
                reports.append((delivery, job))

            dispatcher = Dispatcher(
                store,
                schedule,
                projection,
                Renderer(),
                Links(SECRET, UNSUBSCRIBE_URL, MANAGE_URL),
                email=email,
                webhook=WebhookChannel(http, WEBHOOK_SECRET, timeout_seconds=2.0),
                retry=retry or RetryPolicy(jitter=0.0),
                report=report,
                clock=clock,
            )
            intake = Intake(store, schedule, projection, clock=clock, wake=dispatcher.wake)
            hooks.clock = clock
            try:
                yield Pipeline(
                    redis,
                    store,
                    schedule,
                    projection,
                    intake,
                    dispatcher,
                    clock,
                    mailbox,
                    hooks,
                    reports,
                )
            finally:
                await email.close()
                await redis.aclose()
