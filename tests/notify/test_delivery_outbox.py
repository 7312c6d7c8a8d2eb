"""Notify's delivery events go through its outbox: written with the delivery log, published
once NATS takes them. Real Redis, SMTP and webhook receivers, then the suite's real NATS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import nats
import pytest

from services.notify import keys
from services.notify.events import DEAD_LETTER, delivery_events
from services.runtime.outbox import OutboxRelay, event_from_fields
from services.runtime.registry import notify
from services.runtime.streams import provision_streams
from socialerasmus.notify.v1.events_pb2 import DeliveryRecorded
from socialerasmus.notify.v1.notify_pb2 import DeliveryStatus
from tests.conftest import Stack
from tests.notify.pipeline import Pipeline, activity, pipeline, suggestion

DELIVERED = DeliveryStatus.DELIVERY_STATUS_DELIVERED
FAILED = DeliveryStatus.DELIVERY_STATUS_FAILED


@pytest.fixture
async def p(clean_stack: Stack) -> AsyncIterator[Pipeline]:
    async with pipeline(clean_stack.redis_url) as running:
        yield running


async def test_delivery_events_wait_in_the_outbox_and_are_published_once_nats_takes_them(
    p: Pipeline, clean_stack: Stack
) -> None:
    """Every delivered or failed message is announced, and a failure dead-lettered, in the
    step that records it: a dispatcher that never reached NATS (it died, or NATS was away)
    leaves them in the outbox, and a relay publishes them later."""
    await p.prefer("ana")
    await p.prefer("ben", email="gone@students.test")  # refused for good
    for student in ("ana", "ben"):
        await p.intake.suggestion_created(suggestion(student, activity()))
    await p.send_due()
    outcomes = {(d.student_id, d.channel): d.status for d, _ in p.reports}
    assert sorted(outcomes.values()) == [DELIVERED] * 5 + [FAILED]

    entries: Any = await p.redis.xrange(keys.OUTBOX)
    waiting = [event_from_fields(fields) for _, fields in entries]
    recorded = [w for w in waiting if w.subject != DEAD_LETTER]
    announced = {
        (d.delivery.student_id, d.delivery.channel): d.delivery.status
        for d in (DeliveryRecorded.FromString(r.payload) for r in recorded)
    }
    assert announced == outcomes
    assert {r.subject for r in recorded} == {
        notify.DELIVERY_DELIVERED.subject,
        notify.DELIVERY_FAILED.subject,
    }
    [dead] = [w for w in waiting if w.subject == DEAD_LETTER]
    assert b'"student":"ben"' in dead.payload

    client = await nats.connect(clean_stack.nats_url)
    try:
        js = client.jetstream()
        await provision_streams(js)
        relay = OutboxRelay(p.redis, js, keys.OUTBOX, consumer="notify-test")
        await relay.ensure_group()
        assert await relay.relay_once() == len(waiting)

        assert (await js.stream_info("NOTIFY")).state.messages == len(recorded)
        failed = await js.get_last_msg("NOTIFY", notify.DELIVERY_FAILED.subject)
        assert failed.headers is not None
        assert failed.headers["Se-Event-Type"] == "socialerasmus.notify.v1.DeliveryRecorded"
        letter = await js.get_last_msg("DLQ", DEAD_LETTER)
        assert letter.data == dead.payload
        assert letter.headers is not None
        assert letter.headers["Se-Channel"] == "email"
        assert "550" in letter.headers["Se-Error"]
        assert letter.headers["Content-Type"] == "application/json"
        assert "Se-Event-Type" not in letter.headers
        assert await p.redis.xlen(keys.OUTBOX) == 0
    finally:
        await client.close()


async def test_a_delivery_not_recorded_announces_nothing(p: Pipeline) -> None:
    """An outcome older than the one in the log (a job redelivered after its lease) changes
    nothing, so it publishes nothing either."""
    await p.prefer("ana", email="", webhook_url="")
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.send_due()
    [(delivery, job)] = p.reports
    assert delivery.channel == "in_app"
    before = await p.redis.xlen(keys.OUTBOX)
    assert before == 1

    older = type(delivery)()
    older.CopyFrom(delivery)
    older.updated_at.FromSeconds(delivery.updated_at.seconds - 60)
    assert not await p.store.record_delivery(older, delivery_events(older, job))
    assert await p.redis.xlen(keys.OUTBOX) == before
