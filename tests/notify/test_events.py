"""The notify service as it runs: events from JetStream in, inbox, mail and status out.

Real NATS and Redis from the suite, a real SMTP server, two replicas where it matters.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import grpc
import nats
import pytest
from nats.js import JetStreamContext
from redis.asyncio import Redis

from services.catalogue import events as catalogue_events
from services.matching import events as matching_events
from services.matching.ranking import Ranker
from services.matching.signals import Weights
from services.notify import events as notify_events
from services.notify import keys
from services.notify.app import notify_parts
from services.notify.i18n import CATALOGUES
from services.notify.jobs import decode_job
from services.notify.signing import generate_secret
from services.runtime import tracing
from services.runtime.auth import TokenRegistry
from services.runtime.bus import publish
from services.runtime.connections import connected
from services.runtime.registry import matching, notify
from services.runtime.server import serve
from socialerasmus.catalogue.v1.catalogue_pb2 import Enrolment, EnrolmentStatus
from socialerasmus.notify.v1 import notify_pb2 as pb
from socialerasmus.notify.v1.events_pb2 import DeliveryRecorded
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.catalogue.builders import valid_activity
from tests.conftest import Stack, bearer, channel_to
from tests.matching.builders import index_of, valid_profile
from tests.notify.pipeline import activity, stamp
from tests.notify.receivers import Mailbox, smtp_server
from tests.notify.test_watchers import until_subscribed
from tests.waiting import eventually

PLATFORM = bearer("platform")


@dataclass
class Running:
    stubs: list[NotifyServiceStub]
    js: JetStreamContext
    mailbox: Mailbox
    redis: Redis

    async def idle(self) -> bool:
        """Nothing left to do now: every event handled and every message sent (what waits
        is a reminder's timer)."""
        for stream, durable in (("CATALOGUE", "notify-catalogue"), ("MATCHING", "notify-matching")):
            info = await self.js.consumer_info(stream, durable)
            if info.num_pending or info.num_ack_pending:
                return False
        jobs: Any = await self.redis.hvals(keys.jobs())
        return all(decode_job(job).is_timer for job in jobs)


async def start_notify(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, count: int
) -> AsyncIterator[Running]:
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("SE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SE_SMTP_PORT", str(port))
        monkeypatch.setenv("SE_SMTP_STARTTLS", "false")
        monkeypatch.setenv("SE_NOTIFY_UNSUBSCRIBE_SECRET", "events-test-secret")
        monkeypatch.setenv("SE_NOTIFY_WEBHOOK_SECRET", generate_secret())
        async with AsyncExitStack() as running:
            stubs = []
            for n in range(count):
                settings = stack.settings("notify", instance=f"notify-{n}")
                tokens = TokenRegistry.from_file(settings.tokens_file)
                connections = await running.enter_async_context(connected(settings))
                parts = await notify_parts(connections, settings)
                server = await running.enter_async_context(
                    serve(settings.listen, tokens, parts, 0.5)
                )
                channel = await running.enter_async_context(channel_to(server.address))
                stubs.append(NotifyServiceStub(channel))
            client = await nats.connect(stack.nats_url)
            running.push_async_callback(client.close)
            redis = Redis.from_url(stack.redis_url)
            running.push_async_callback(redis.aclose)
            yield Running(stubs, client.jetstream(), mailbox, redis)


@pytest.fixture
async def one(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    async for running in start_notify(clean_stack, monkeypatch, 1):
        yield running


@pytest.fixture
async def two(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    async for running in start_notify(clean_stack, monkeypatch, 2):
        yield running


async def set_preferences(
    stub: NotifyServiceStub, student: str, email: str, locale: str = "en"
) -> None:
    prefs = pb.Preferences(
        student_id=student,
        email=email,
        in_app=True,
        locale=locale,
        time_zone="Europe/Madrid",
        frequency=pb.FREQUENCY_INSTANT,
        weekly_suggestion_budget=10,
    )
    await stub.SetPreferences(pb.SetPreferencesRequest(preferences=prefs), metadata=PLATFORM)


async def test_a_published_suggestion_arrives_in_the_watched_inbox_and_by_mail(
    one: Running,
) -> None:
    stub = one.stubs[0]
    await set_preferences(stub, "ana", "ana@students.test")
    beach = activity(starts_at=datetime.now(UTC) + timedelta(days=4))
    watch = stub.WatchInbox(pb.WatchInboxRequest(student_id="ana"), metadata=bearer("student"))
    first_item = asyncio.ensure_future(watch.read())
    await until_subscribed(one.redis, "ana")

    await publish(one.js, catalogue_events.activity_published(beach))
    await publish(one.js, matching_events.suggestion_created("ana", beach, 0.9, []))

    pushed = await asyncio.wait_for(first_item, 10)
    watch.cancel()
    assert isinstance(pushed, pb.WatchInboxResponse)
    assert pushed.item.kind == "suggestion"
    assert beach.details.title in pushed.item.subject
    await eventually(lambda: len(one.mailbox.messages) == 1, "the mail", timeout=15)
    assert one.mailbox.messages[0]["To"] == "ana@students.test"

    async def both_delivered() -> bool:
        # The mail reaches the mailbox a moment before its delivery is recorded.
        deliveries = await stub.ListDeliveries(
            pb.ListDeliveriesRequest(student_id="ana"), metadata=PLATFORM
        )
        return {(d.channel, d.status) for d in deliveries.deliveries} == {
            ("email", pb.DELIVERY_STATUS_DELIVERED),
            ("in_app", pb.DELIVERY_STATUS_DELIVERED),
        }

    await eventually(both_delivered, "both deliveries recorded")
    recorded = await one.js.pull_subscribe(
        notify.DELIVERY_DELIVERED.subject, durable="test-delivered"
    )
    messages = await recorded.fetch(2, timeout=5)
    channels = {DeliveryRecorded.FromString(m.data).delivery.channel for m in messages}
    assert channels == {"email", "in_app"}


async def test_a_spanish_student_reads_why_in_spanish(one: Running) -> None:
    """Matching's reasons for a real match, worded by notify: no English pasted in."""
    now = datetime.now(UTC)
    beach = valid_activity(id="act-beach-es", now=now)
    (match,) = Ranker(index_of(beach), Weights()).score_students(
        beach, [valid_profile(now, student_id="lucia")], now, set()
    )
    assert match.reasons[0].text == "Environmental Sustainability, like you asked"
    await set_preferences(one.stubs[0], "lucia", "lucia@students.test", locale="es")

    await publish(one.js, catalogue_events.activity_published(beach))
    await publish(
        one.js,
        matching_events.suggestion_created("lucia", beach, match.score, match.reasons, match.facts),
    )

    await eventually(lambda: len(one.mailbox.messages) == 1, "the mail", timeout=15)
    [mail] = one.mailbox.messages
    text, html = (mail.get_body((part,)) for part in ("plain", "html"))
    assert text is not None and html is not None
    (why,) = [
        line
        for line in text.get_content().splitlines()
        if line.startswith("Por qué te la sugerimos: ")
    ]
    assert why.startswith("Por qué te la sugerimos: Sostenibilidad medioambiental, como pediste; ")
    assert re.search(r"; a \d+,\d km;", why), why  # a decimal comma
    start = beach.details.starts_at.ToDatetime(UTC).astimezone(ZoneInfo("Europe/Madrid"))
    weekday = CATALOGUES["es"].weekdays[start.weekday()]
    assert why.endswith(f"; en inglés y español; el {weekday} a las {start:%H:%M}")
    for part in (text, html):
        assert "Environmental Sustainability" not in part.get_content()
        assert "like you asked" not in part.get_content()


async def test_two_replicas_and_repeated_events_deliver_exactly_once(two: Running) -> None:
    students = [f"student-{n:02d}" for n in range(40)]
    for n, student in enumerate(students):
        await set_preferences(two.stubs[n % 2], student, f"{student}@students.test")
    beach = activity(starts_at=datetime.now(UTC) + timedelta(days=4))
    await publish(two.js, catalogue_events.activity_published(beach))
    for student in students:
        # Published twice under two event ids: JetStream keeps both, notify must not.
        await publish(two.js, matching_events.suggestion_created(student, beach, 0.9, []))
        await publish(two.js, matching_events.suggestion_created(student, beach, 0.9, []))
        confirmed = Enrolment(
            activity_id=beach.id,
            student_id=student,
            status=EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED,
            updated_at=stamp(datetime(2027, 1, 1, tzinfo=UTC)),
        )
        for _ in range(2):
            await publish(two.js, catalogue_events.enrolment_confirmed(confirmed))

    await eventually(
        lambda: len(two.mailbox.messages) >= 2 * len(students), "every mail", timeout=30
    )
    await eventually(two.idle, "every event handled and every job done", timeout=30)
    received = sorted((m["To"], "confirmed" in m["Subject"]) for m in two.mailbox.messages)
    expected = sorted(
        (f"{s}@students.test", confirmed) for s in students for confirmed in (False, True)
    )
    assert received == expected
    for n, student in enumerate(students[:5]):
        inbox = await two.stubs[n % 2].ListInbox(
            pb.ListInboxRequest(student_id=student, page_size=10), metadata=PLATFORM
        )
        assert sorted(i.kind for i in inbox.items) == ["enrolment_confirmed", "suggestion"]


async def test_a_message_that_fails_for_good_goes_to_the_dead_letter_subject(
    one: Running,
) -> None:
    await set_preferences(one.stubs[0], "ana", "gone@students.test")
    beach = activity(starts_at=datetime.now(UTC) + timedelta(days=4))
    await publish(one.js, catalogue_events.activity_published(beach))
    await publish(one.js, matching_events.suggestion_created("ana", beach, 0.9, []))

    dead = await one.js.pull_subscribe(notify_events.DEAD_LETTER, durable="test-dlq")
    [message] = await dead.fetch(1, timeout=10)
    assert message.headers is not None
    assert message.headers["Se-Channel"] == "email"
    assert "550" in message.headers["Se-Error"]
    assert b'"student":"ana"' in message.data


async def notify_keys(redis: Redis) -> dict[bytes, bytes]:
    """Every key of notify with its serialised value."""
    found: dict[bytes, bytes] = {}
    async for key in redis.scan_iter(match=f"{keys.PREFIX}:*"):
        value: Any = await redis.dump(key)
        found[key] = value
    return found


async def test_an_undecodable_event_is_dead_lettered_with_its_reason_and_changes_nothing(
    one: Running,
) -> None:
    await set_preferences(one.stubs[0], "ana", "")
    beach = activity(starts_at=datetime.now(UTC) + timedelta(days=4))
    await publish(one.js, catalogue_events.activity_published(beach))
    await eventually(one.idle, "the activity taken")
    before = await notify_keys(one.redis)

    await one.js.publish(matching.SUGGESTION_CREATED.subject, b"\xff not a suggestion")
    dead = await one.js.pull_subscribe("se.dlq.notify-matching", durable="test-undecodable")
    [message] = await dead.fetch(1, timeout=10)
    await eventually(one.idle, "the event settled")

    assert message.data == b"\xff not a suggestion"
    assert message.headers is not None
    assert message.headers["Se-Original-Subject"] == matching.SUGGESTION_CREATED.subject
    assert (
        "does not decode as socialerasmus.matching.v1.SuggestionCreated"
        in (message.headers["Se-Error"])
    )
    assert await notify_keys(one.redis) == before
    # The consumer goes on with the next event.
    await publish(one.js, matching_events.suggestion_created("ana", beach, 0.9, []))
    request = pb.ListInboxRequest(student_id="ana", page_size=10)

    async def suggested() -> bool:
        return len((await one.stubs[0].ListInbox(request, metadata=PLATFORM)).items) == 1

    await eventually(suggested, "the next suggestion in the inbox")


async def test_erasure_event_removes_the_inbox(one: Running) -> None:
    stub = one.stubs[0]
    await set_preferences(stub, "ana", "")
    beach = activity(starts_at=datetime.now(UTC) + timedelta(days=4))
    await publish(one.js, catalogue_events.activity_published(beach))
    await publish(one.js, matching_events.suggestion_created("ana", beach, 0.9, []))
    request = pb.ListInboxRequest(student_id="ana", page_size=10)

    async def inbox_holds(count: int) -> bool:
        return len((await stub.ListInbox(request, metadata=PLATFORM)).items) == count

    await eventually(lambda: inbox_holds(1), "the suggestion in the inbox")
    await publish(one.js, matching_events.profile_erased("ana"))
    await eventually(lambda: inbox_holds(0), "the inbox erased")
    prefs = await stub.GetPreferences(pb.GetPreferencesRequest(student_id="ana"), metadata=PLATFORM)
    assert prefs.preferences.time_zone == "UTC"  # the defaults again

    # Until a new profile, nothing is taken about her: no preferences, no suggestion.
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await set_preferences(stub, "ana", "")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    park = activity("act-park", starts_at=datetime.now(UTC) + timedelta(days=5))
    await publish(one.js, catalogue_events.activity_published(park))
    await publish(one.js, matching_events.suggestion_created("ana", park, 0.9, []))
    await publish(one.js, matching_events.profile_recreated("ana"))

    async def preferences_taken() -> bool:
        try:
            await set_preferences(stub, "ana", "")
        except grpc.aio.AioRpcError:
            return False
        return True

    await eventually(preferences_taken, "preferences taken again after the new profile")
    # The suggestion came before the new profile, in the same consumer: it was dropped, not
    # scheduled (ListDeliveries would list it).
    listed = await stub.ListDeliveries(
        pb.ListDeliveriesRequest(student_id="ana", page_size=50), metadata=PLATFORM
    )
    assert list(listed.deliveries) == []
    assert not (await stub.ListInbox(request, metadata=PLATFORM)).items


async def test_a_delivery_stays_in_the_trace_of_the_suggestion_it_delivers(
    one: Running,
) -> None:
    await set_preferences(one.stubs[0], "ana", "")
    beach = activity(starts_at=datetime.now(UTC) + timedelta(days=4))
    await publish(one.js, catalogue_events.activity_published(beach))
    trace = tracing.new_trace()
    token = tracing.current.set(trace)
    try:
        suggested = matching_events.suggestion_created("ana", beach, 0.9, [])
    finally:
        tracing.current.reset(token)
    await publish(one.js, suggested)

    recorded = await one.js.pull_subscribe(notify.DELIVERY_DELIVERED.subject, durable="test-traced")
    [message] = await recorded.fetch(1, timeout=10)
    assert message.headers is not None
    delivered = tracing.parse(message.headers[tracing.HEADER])
    assert delivered is not None
    assert delivered.trace_id == trace.trace_id
    assert delivered.span_id != trace.span_id  # a span of notify's own
