"""Erasure across the three services, over real NATS, Redis and SMTP.

A student with a confirmed seat, a waitlisted place, a suggestion, inbox items and deliveries
asks to be erased. Afterwards no Redis key, member or value and no JetStream message (once the
personal data window has passed; the test runs the streams with a window of a few seconds)
holds their id; their seat went to the student waiting for it; they cannot be enrolled again
and notify takes nothing about them, until they create a new profile.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import nats
import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from redis.asyncio import Redis

from services.catalogue.app import catalogue_parts
from services.matching import events as matching_events
from services.matching.app import matching_parts
from services.notify.app import notify_parts
from services.runtime.auth import TokenRegistry
from services.runtime.bus import publish
from services.runtime.config import RuntimeSettings
from services.runtime.connections import Connections, connected
from services.runtime.redis_values import as_text
from services.runtime.server import ServiceParts, serve
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.matching.v1 import matching_pb2 as matching
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from socialerasmus.notify.v1 import notify_pb2 as notify
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.conftest import Stack, bearer, channel_to
from tests.notify.receivers import Mailbox, smtp_server
from tests.test_journey import ana_profile, beach_clean_up
from tests.waiting import eventually

ERASED = "ana-erasmus-7f3k"
"""Distinctive, so that finding it anywhere means it was left behind."""
WINDOW_SECONDS = 4
"""The personal data window of the streams in this test (a week in production)."""
PLATFORM = bearer("platform")
COORDINATOR = bearer("coordinator")  # ESN Valencia UPV

PartsFactory = Callable[[Connections, RuntimeSettings], Awaitable[ServiceParts]]


@dataclass
class Product:
    catalogue: CatalogueServiceStub
    matching: MatchingServiceStub
    notify: NotifyServiceStub
    mailbox: Mailbox
    redis: Redis
    js: JetStreamContext


@contextlib.asynccontextmanager
async def running(stack: Stack, service: str, parts: PartsFactory) -> AsyncIterator[str]:
    settings = dataclasses.replace(
        stack.settings(service), personal_data_retention_seconds=WINDOW_SECONDS
    )
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        connected(settings) as connections,
        serve(settings.listen, tokens, await parts(connections, settings), 0.5) as server,
    ):
        yield server.address


@pytest.fixture
async def product(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Product]:
    monkeypatch.setenv("SE_NOTIFY_UNSUBSCRIBE_SECRET", "erasure-secret")
    monkeypatch.setenv("SE_SMTP_STARTTLS", "false")
    with smtp_server() as (mailbox, smtp_port):
        monkeypatch.setenv("SE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SE_SMTP_PORT", str(smtp_port))
        redis = Redis.from_url(clean_stack.redis_url)
        client = await nats.connect(clean_stack.nats_url)
        try:
            async with (
                running(clean_stack, "catalogue", catalogue_parts) as catalogue_address,
                running(clean_stack, "matching", matching_parts) as matching_address,
                running(clean_stack, "notify", notify_parts) as notify_address,
                channel_to(catalogue_address) as to_catalogue,
                channel_to(matching_address) as to_matching,
                channel_to(notify_address) as to_notify,
            ):
                yield Product(
                    CatalogueServiceStub(to_catalogue),
                    MatchingServiceStub(to_matching),
                    NotifyServiceStub(to_notify),
                    mailbox,
                    redis,
                    client.jetstream(),
                )
        finally:
            await client.close()
            await redis.aclose()


async def redis_mentions(redis: Redis, needle: bytes) -> list[str]:
    """Every key, and every value or member of every key, that contains ``needle``."""
    found: list[str] = []
    async for key in redis.scan_iter(count=1000):
        kind: Any = await redis.type(key)
        raw: Any
        values: list[Any] = []
        match as_text(kind):
            case "string":
                values = [await redis.get(key)]
            case "hash":
                raw = await redis.hgetall(key)
                values = [*raw.keys(), *raw.values()]
            case "set":
                values = list(await redis.smembers(key))
            case "zset":
                values = list(await redis.zrange(key, 0, -1))
            case "list":
                values = list(await redis.lrange(key, 0, -1))
            case "stream":
                raw = await redis.xrange(key)
                values = [part for _, fields in raw for pair in fields.items() for part in pair]
        found += [
            f"{as_text(kind)} {key!r}" for value in [key, *values] if value and needle in value
        ]
    return found


async def stream_mentions(js: JetStreamContext, needle: bytes) -> list[str]:
    """Every message of every stream whose payload or headers contain ``needle``."""
    found: list[str] = []
    for info in await js.streams_info():
        name, state = info.config.name or "", info.state
        if not state.messages:
            continue
        for sequence in range(state.first_seq, state.last_seq + 1):
            try:
                message = await js.get_msg(name, sequence)
            except NotFoundError:
                continue  # deleted or expired
            headers = repr(message.headers or {}).encode()
            if needle in (message.data or b"") or needle in headers:
                found.append(f"{name} #{sequence} {message.subject}")
    return found


async def inbox_kinds(product: Product) -> list[str]:
    reply = await product.notify.ListInbox(
        notify.ListInboxRequest(student_id=ERASED, page_size=50), metadata=PLATFORM
    )
    return sorted(item.kind for item in reply.items)


async def published(product: Product, starts: datetime, capacity: int) -> str:
    details = beach_clean_up(starts)
    details.capacity = capacity
    created = await product.catalogue.CreateActivity(
        catalogue.CreateActivityRequest(details=details), metadata=COORDINATOR
    )
    await product.catalogue.PublishActivity(
        catalogue.PublishActivityRequest(activity_id=created.activity.id), metadata=COORDINATOR
    )
    return str(created.activity.id)


async def enrol(product: Product, activity_id: str, student: str) -> catalogue.Enrolment:
    reply = await product.catalogue.EnrolStudent(
        catalogue.EnrolStudentRequest(activity_id=activity_id, student_id=student),
        metadata=PLATFORM,
    )
    enrolment: catalogue.Enrolment = reply.enrolment
    return enrolment


async def enrolled(product: Product, activity_id: str) -> list[tuple[str, int]]:
    reply = await product.catalogue.ListEnrolments(
        catalogue.ListEnrolmentsRequest(activity_id=activity_id, page_size=50),
        metadata=COORDINATOR,
    )
    return [(e.student_id, e.status) for e in reply.enrolments]


async def settled(js: JetStreamContext) -> bool:
    """Every durable consumer has had every message acknowledged."""
    for stream in ("CATALOGUE", "MATCHING"):
        for info in await js.consumers_info(stream):
            if info.num_pending or info.num_ack_pending:
                return False
    return True


async def test_an_erased_student_leaves_no_trace_and_stays_erased_until_a_new_profile(
    product: Product,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    profile = ana_profile(now)
    profile.student_id = ERASED
    await product.matching.UpsertProfile(
        matching.UpsertProfileRequest(profile=profile), metadata=PLATFORM
    )
    await product.notify.SetPreferences(
        notify.SetPreferencesRequest(
            preferences=notify.Preferences(
                student_id=ERASED,
                email="erased@students.test",
                in_app=True,
                locale="es",
                time_zone="Europe/Madrid",
                frequency=notify.FREQUENCY_INSTANT,
                weekly_suggestion_budget=5,
            )
        ),
        metadata=PLATFORM,
    )
    beach = await published(product, now + timedelta(days=3), capacity=1)
    await eventually(lambda: _has(product, {"suggestion"}), "the suggestion in the inbox")
    assert (await enrol(product, beach, ERASED)).status == catalogue.ENROLMENT_STATUS_CONFIRMED
    assert (await enrol(product, beach, "ben")).status == catalogue.ENROLMENT_STATUS_WAITLISTED
    park = await published(product, now + timedelta(days=4), capacity=1)
    await enrol(product, park, "eva")
    assert (await enrol(product, park, ERASED)).status == catalogue.ENROLMENT_STATUS_WAITLISTED
    wanted = {"suggestion", "enrolment_confirmed", "enrolment_waitlisted"}
    await eventually(lambda: _has(product, wanted), "the inbox items")
    await eventually(lambda: len(product.mailbox.messages) >= 3, "the mails")
    deliveries = await product.notify.ListDeliveries(
        notify.ListDeliveriesRequest(student_id=ERASED, page_size=50), metadata=PLATFORM
    )
    assert len(deliveries.deliveries) >= 6  # three messages, e-mail and inbox each
    assert await redis_mentions(product.redis, ERASED.encode())
    assert await stream_mentions(product.js, ERASED.encode())

    await product.matching.EraseProfile(
        matching.EraseProfileRequest(student_id=ERASED), metadata=PLATFORM
    )

    async def seat_passed_on() -> bool:
        return await enrolled(product, beach) == [("ben", catalogue.ENROLMENT_STATUS_CONFIRMED)]

    await eventually(seat_passed_on, "the seat given to the waitlisted student")
    assert await enrolled(product, park) == [("eva", catalogue.ENROLMENT_STATUS_CONFIRMED)]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await enrol(product, park, ERASED)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "erased" in (refused.value.details() or "")

    # A suggestion made just before the erasure, arriving after it: notify creates nothing.
    details = beach_clean_up(now + timedelta(days=5))
    late = catalogue.Activity(id="01JLATE000000000000000000A", version=1, details=details)
    await publish(product.js, matching_events.suggestion_created(ERASED, late, 0.9, []))
    await eventually(lambda: settled(product.js), "every event handled")
    assert await inbox_kinds(product) == []
    listed = await product.notify.ListDeliveries(
        notify.ListDeliveriesRequest(student_id=ERASED, page_size=50), metadata=PLATFORM
    )
    assert list(listed.deliveries) == []

    await eventually(
        lambda: _nowhere_in_redis(product), "the student's id gone from every Redis key and value"
    )
    await eventually(
        lambda: _nowhere_in_streams(product),
        "the student's id gone from every stream within the window",
        timeout=WINDOW_SECONDS + 15,
    )

    await product.matching.UpsertProfile(
        matching.UpsertProfileRequest(profile=profile), metadata=PLATFORM
    )

    async def enrolled_again() -> bool:
        try:
            enrolment = await enrol(product, park, ERASED)
        except grpc.aio.AioRpcError:
            return False
        return bool(enrolment.status == catalogue.ENROLMENT_STATUS_WAITLISTED)

    await eventually(enrolled_again, "the student enrolled again after their new profile")
    await eventually(lambda: _has(product, {"enrolment_waitlisted"}), "notify telling them again")


async def _has(product: Product, kinds: set[str]) -> bool:
    return kinds <= set(await inbox_kinds(product))


async def _nowhere_in_redis(product: Product) -> bool:
    return not await redis_mentions(product.redis, ERASED.encode())


async def _nowhere_in_streams(product: Product) -> bool:
    return not await stream_mentions(product.js, ERASED.encode())
