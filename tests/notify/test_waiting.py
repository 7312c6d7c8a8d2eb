"""ListDeliveries tells what waits and why: quiet hours, a digest, a retry, a reminder.

Notify's pipeline over the suite's real Redis, SMTP and HTTP receivers, with a clock the
test moves; the deliveries are read through the service behind the gRPC API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.notify.messages import MessageKind
from services.notify.service import NotifyService
from services.notify.watchers import InboxWatchers
from services.runtime.auth import Principal, Role
from socialerasmus.notify.v1.notify_pb2 import Delivery, DeliveryStatus, Frequency, WaitingFor
from tests.conftest import Stack
from tests.notify.pipeline import SECRET, T0, Pipeline, activity, enrolment, pipeline, suggestion
from tests.notify.receivers import Reply

PLATFORM = Principal(Role.PLATFORM)
SCHEDULED = DeliveryStatus.DELIVERY_STATUS_SCHEDULED
DELIVERED = DeliveryStatus.DELIVERY_STATUS_DELIVERED
RETRYING = DeliveryStatus.DELIVERY_STATUS_RETRYING


@pytest.fixture
async def p(clean_stack: Stack) -> AsyncIterator[Pipeline]:
    async with pipeline(clean_stack.redis_url) as running:
        yield running


async def listed(p: Pipeline, student: str, message_id: str = "") -> list[Delivery]:
    service = NotifyService(p.store, p.schedule, InboxWatchers(p.redis), SECRET, clock=p.clock)
    return await service.deliveries(PLATFORM, student, message_id, 50)


def due(delivery: Delivery) -> datetime:
    return delivery.due_at.ToDatetime(tzinfo=UTC)


async def test_a_message_held_by_quiet_hours_is_listed_with_the_time_they_end(
    p: Pipeline,
) -> None:
    # 22:00 to 08:00 in Madrid; 23:30 there is 22:30 UTC in March (UTC+1).
    await p.prefer("ana", time_zone="Europe/Madrid", quiet_hours=(22 * 60, 8 * 60))
    p.clock.now = datetime(2027, 3, 1, 22, 30, tzinfo=UTC)
    await p.intake.suggestion_created(suggestion("ana", activity(), occurred_at=p.clock.now))
    assert await p.send_due() == 0

    held = await listed(p, "ana")
    assert sorted(d.channel for d in held) == ["email", "in_app", "webhook"]
    ends = datetime(2027, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Madrid
    assert {(d.status, d.waiting_for, due(d), d.reason, d.kind) for d in held} == {
        (SCHEDULED, WaitingFor.WAITING_FOR_QUIET_HOURS, ends, "quiet hours", "suggestion")
    }
    assert len({d.message_id for d in held}) == 1
    assert await listed(p, "ana", held[0].message_id) == held

    p.clock.now = ends
    assert await p.send_due() == 3
    sent = await listed(p, "ana")
    assert {(d.status, d.waiting_for, d.HasField("due_at")) for d in sent} == {
        (DELIVERED, WaitingFor.WAITING_FOR_UNSPECIFIED, False)
    }


async def test_a_suggestion_collected_for_a_digest_is_listed_with_the_digest_s_time(
    p: Pipeline,
) -> None:
    await p.prefer("ana", frequency=Frequency.FREQUENCY_DAILY_DIGEST, time_zone="Europe/Rome")
    await p.intake.suggestion_created(suggestion("ana", activity("act-1")))
    await p.intake.suggestion_created(suggestion("ana", activity("act-2")))
    [digest] = await listed(p, "ana")
    assert (digest.kind, digest.status, digest.waiting_for, digest.channel) == (
        "digest",
        SCHEDULED,
        WaitingFor.WAITING_FOR_DIGEST,
        "",  # chosen when it goes, with the preferences of then
    )
    assert due(digest) == datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 18:00 in Rome
    assert digest.reason == "collected for the digest (2 waiting)"


async def test_a_retry_is_listed_once_with_its_error_and_when_it_comes(p: Pipeline) -> None:
    await p.prefer("ana", email="", in_app=False)
    p.hooks.replies[:] = [Reply(503)]
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.send_due()
    [retry] = await listed(p, "ana")
    assert (retry.status, retry.attempts, retry.reason) == (RETRYING, 1, "HTTP 503")
    assert retry.waiting_for == WaitingFor.WAITING_FOR_RETRY_BACKOFF
    assert due(retry) == T0 + timedelta(seconds=2)


async def test_a_reminder_is_listed_until_it_goes(p: Pipeline) -> None:
    await p.prefer("ana", webhook_url="")
    beach = activity(starts_at=T0 + timedelta(days=5))
    await p.intake.activity_published(beach)
    await p.intake.enrolment_changed(MessageKind.ENROLMENT_CONFIRMED, enrolment("ana"), T0)
    await p.send_due()
    waiting = [d for d in await listed(p, "ana") if d.status == SCHEDULED]
    assert [(d.kind, d.waiting_for, due(d)) for d in waiting] == [
        ("reminder", WaitingFor.WAITING_FOR_REMINDER_TIME, T0 + timedelta(days=4))
    ]
