"""The Python client against the real services: typed calls, errors, retries, health."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import grpc
import pytest

from services.catalogue.app import catalogue_parts
from services.client import (
    NO_RETRIES,
    ClientConfig,
    ClientError,
    RetryPolicy,
    Service,
    SocialErasmusClient,
)
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.localstack import free_port
from services.runtime.logs import request_id
from services.runtime.server import serve
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as match
from tests.catalogue.builders import valid_details
from tests.client.servers import Running, inbox_item
from tests.conftest import Stack
from tests.matching.builders import valid_profile

T = TypeVar("T")
FAST_RETRIES = RetryPolicy(max_attempts=3, initial_backoff_seconds=0.05, jitter=0)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def client_of(
    running: Running, token: str | None = "platform", *, notify_address: str = ""
) -> SocialErasmusClient:
    """A client of the running services, with the test token of ``token``."""
    return SocialErasmusClient(
        ClientConfig(
            catalogue_address=running.catalogue,
            matching_address=running.matching,
            notify_address=notify_address or running.notify,
            token=f"token-of-{token}" if token else None,
        )
    )


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.05)


@pytest.fixture
def silent_address() -> Iterator[str]:
    """A TCP port that accepts connections but never speaks HTTP/2."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"127.0.0.1:{listener.getsockname()[1]}"


async def test_activities_are_created_published_read_and_paged(running: Running) -> None:
    """Three published activities come back in start order across pages of two; a create
    repeated with its idempotency key returns the first activity."""
    async with client_of(running) as client:
        ids = []
        for days in (3, 1, 2):
            starts = now() + timedelta(days=30 + days)
            details = valid_details(
                title=f"Clean-up in {days} days",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
            )
            draft = await client.create_activity(details, idempotency_key=f"key-{days}")
            assert draft.state == cat.ACTIVITY_STATE_DRAFT
            published = await client.publish_activity(draft.id, draft.version)
            assert published.state == cat.ACTIVITY_STATE_PUBLISHED
            ids.append(draft.id)
        again = await client.create_activity(valid_details(), idempotency_key="key-1")
        assert again.id == ids[1]

        first_page = await client.list_activities(page_size=2)
        assert len(first_page.activities) == 2
        assert first_page.next_page_token
        listed = [a.id async for a in client.iter_activities(page_size=2)]
        assert listed == [ids[1], ids[2], ids[0]]
        shown = await client.get_activity(ids[0])
        assert shown.details.title == "Clean-up in 3 days"


async def test_a_rejected_request_carries_its_field_violations(running: Running) -> None:
    """INVALID_ARGUMENT arrives as a ClientError naming each bad field; nothing is created."""
    async with client_of(running) as client:
        with pytest.raises(ClientError) as rejected:
            await client.create_activity(valid_details(title="", capacity=0))
        error = rejected.value
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT
        assert {"details.title", "details.capacity"} <= set(error.violations)
        assert "details.capacity" in str(error)
        assert error.service is Service.CATALOGUE
        assert error.attempts == 1
        every_state = cat.ActivityFilter(
            states=[cat.ACTIVITY_STATE_DRAFT, cat.ACTIVITY_STATE_PUBLISHED]
        )
        assert not (await client.list_activities(every_state)).activities


async def test_refusals_keep_their_code_and_are_not_retried(running: Running) -> None:
    """PERMISSION_DENIED, NOT_FOUND and UNAUTHENTICATED are answers, tried once."""
    async with client_of(running, "student") as student:
        with pytest.raises(ClientError) as denied:
            await student.create_activity(valid_details())
        assert denied.value.code == grpc.StatusCode.PERMISSION_DENIED
        assert denied.value.attempts == 1
        with pytest.raises(ClientError) as missing:
            await student.get_activity("01J0000000000000000000000X")
        assert missing.value.code == grpc.StatusCode.NOT_FOUND
    async with client_of(running, token=None) as anonymous:
        with pytest.raises(ClientError) as unknown:
            await anonymous.list_activities()
        assert unknown.value.code == grpc.StatusCode.UNAUTHENTICATED


async def test_unavailable_is_retried_with_back_off_then_reported() -> None:
    """Against a closed port every attempt is made, with growing pauses in between."""
    address = f"127.0.0.1:{free_port()}"
    config = ClientConfig(catalogue_address=address, token="t", retry=FAST_RETRIES)
    async with SocialErasmusClient(config) as client:
        started = asyncio.get_running_loop().time()
        with pytest.raises(ClientError) as retried:
            await client.publish_activity("any")
        elapsed = asyncio.get_running_loop().time() - started
        assert retried.value.unreachable
        assert retried.value.attempts == 3
        assert retried.value.address == address
        assert elapsed >= 0.05 + 0.1
        with pytest.raises(ClientError) as once:
            await client.with_options(retry=NO_RETRIES).publish_activity("any")
        assert once.value.attempts == 1


async def test_a_call_succeeds_once_the_service_comes_up(clean_stack: Stack) -> None:
    """A call made while the catalogue is down keeps retrying and gets its answer when the
    catalogue starts."""
    address = f"127.0.0.1:{free_port()}"
    settings = dataclasses.replace(clean_stack.settings("catalogue"), listen=address)
    tokens = TokenRegistry.from_file(settings.tokens_file)
    patient = RetryPolicy(max_attempts=12, initial_backoff_seconds=0.1, max_backoff_seconds=0.5)
    config = ClientConfig(catalogue_address=address, token="token-of-platform", retry=patient)
    async with connected(settings) as connections, SocialErasmusClient(config) as client:
        parts = await catalogue_parts(connections, settings)
        call = asyncio.create_task(client.list_activities())
        await asyncio.sleep(0.5)
        assert not call.done(), "the call should still be retrying"
        async with serve(settings.listen, tokens, parts, 0.5):
            page = await asyncio.wait_for(call, 10)
    assert list(page.activities) == []


async def test_reads_retry_an_expired_deadline_but_writes_do_not(silent_address: str) -> None:
    """A write that timed out may have been applied, so only reads try again."""
    config = ClientConfig(
        catalogue_address=silent_address, token="t", deadline_seconds=0.2, retry=FAST_RETRIES
    )
    async with SocialErasmusClient(config) as client:
        with pytest.raises(ClientError) as read:
            await client.get_activity("any")
        assert read.value.timed_out
        assert read.value.attempts == 3
        with pytest.raises(ClientError) as write:
            await client.publish_activity("any")
        assert write.value.timed_out
        assert write.value.attempts == 1


async def test_the_request_id_reaches_the_service_logs(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """x-request-id set with with_options is the id the service logs the call under."""
    seen: list[str] = []

    class RequestIds(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(request_id.get())

    caplog.set_level(logging.INFO, logger="access")
    handler = RequestIds()
    logging.getLogger("access").addHandler(handler)
    try:
        async with client_of(running) as client:
            await client.with_options(request_id="trace-4711").list_activities()
            await client.list_activities()
    finally:
        logging.getLogger("access").removeHandler(handler)
    assert seen[0] == "trace-4711"
    assert seen[1] not in {"", "trace-4711"}


async def test_profiles_recommendations_enrolment_and_inbox(running: Running) -> None:
    """Matching and notify through the same client: a profile, a recommendation with its
    reasons, an enrolment and the inbox."""
    async with client_of(running) as platform, client_of(running, "student") as ana:
        stored = await platform.upsert_profile(valid_profile(now()))
        assert stored.HasField("updated_at")
        assert (await ana.get_profile("ana")).host_section_id == "esn-valencia-upv"
        draft = await platform.create_activity(valid_details())
        await platform.publish_activity(draft.id)

        async def recommended() -> list[str]:
            return [r.activity.id for r in await ana.recommend("ana", k=5)]

        assert draft.id in await eventually(recommended)
        (first,) = await ana.recommend("ana", k=1)
        assert first.explanation
        assert first.reasons

        enrolled = await ana.enrol(draft.id, "ana")
        assert enrolled.created
        assert enrolled.enrolment.status == cat.ENROLMENT_STATUS_CONFIRMED
        cancelled = await ana.cancel_enrolment(draft.id, "ana")
        assert cancelled.enrolment.status == cat.ENROLMENT_STATUS_CANCELLED

        await running.notify_store.add_inbox_item(inbox_item("welcome-1", "ana"))
        inbox = await ana.list_inbox("ana")
        assert "welcome-1" in [i.id for i in inbox.items]
        await ana.mark_read("ana", ["welcome-1"])
        unread = await ana.list_inbox("ana", unread_only=True)
        assert "welcome-1" not in [i.id for i in unread.items]


async def test_health_reports_every_service(running: Running) -> None:
    """All three SERVING; a service that is not there is UNREACHABLE, without raising."""
    async with client_of(running, token=None) as client:
        report = await client.health()
        assert [(h.service, h.status) for h in report] == [
            (Service.CATALOGUE, "SERVING"),
            (Service.MATCHING, "SERVING"),
            (Service.NOTIFY, "SERVING"),
        ]
    gone = f"127.0.0.1:{free_port()}"
    async with client_of(running, token=None, notify_address=gone) as client:
        (notify,) = await client.health(Service.NOTIFY)
        assert notify.status == "UNREACHABLE"
        assert notify.address == gone
        assert not notify.serving


def test_config_reads_addresses_and_token_from_the_environment() -> None:
    env = {"SE_MATCHING_ADDRESS": "matching.esn.org:443", "SE_TOKEN": "secret"}
    config = ClientConfig.from_env(env)
    assert config.catalogue_address == "127.0.0.1:50051"
    assert config.address(Service.MATCHING) == "matching.esn.org:443"
    assert config.notify_address == "127.0.0.1:50053"
    assert config.token == "secret"
    assert ClientConfig.from_env(env, token="mine").token == "mine"
    traced = dataclasses.replace(config, request_id="r-1", metadata=(("traceparent", "00-ab"),))
    assert traced.call_metadata() == (
        ("authorization", "Bearer secret"),
        ("x-request-id", "r-1"),
        ("traceparent", "00-ab"),
    )
    with pytest.raises(ValueError, match="lower case"):
        ClientConfig(metadata=(("Traceparent", "x"),))
    with pytest.raises(ValueError, match="positive"):
        ClientConfig(deadline_seconds=0)


def test_back_off_grows_exponentially_up_to_its_cap_and_retries_only_what_may_help() -> None:
    policy = RetryPolicy(initial_backoff_seconds=0.1, multiplier=2, max_backoff_seconds=1.0)
    assert [round(policy.backoff(n), 3) for n in range(1, 6)] == [0.1, 0.2, 0.4, 0.8, 1.0]
    assert all(0.08 <= policy.pause(1) <= 0.1 for _ in range(50))
    assert policy.retries(grpc.StatusCode.UNAVAILABLE, idempotent=False)
    assert policy.retries(grpc.StatusCode.DEADLINE_EXCEEDED, idempotent=True)
    assert not policy.retries(grpc.StatusCode.DEADLINE_EXCEEDED, idempotent=False)
    assert not policy.retries(grpc.StatusCode.NOT_FOUND, idempotent=True)
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


async def test_batches_save_all_or_name_the_items_that_stop_them(running: Running) -> None:
    """Profiles in one call; feedback about an erased student comes back as a ClientError
    naming that item among its preconditions."""
    activity = "01J9Z8Y7X6W5V4T3S2R1Q0P9N8"
    async with client_of(running) as client:
        saved = await client.upsert_profiles(
            [valid_profile(now(), student_id="ana"), valid_profile(now(), student_id="ben")]
        )
        assert [p.student_id for p in saved] == ["ana", "ben"]
        await client.erase_profile("ben")
        items = [
            match.Feedback(student_id=s, activity_id=activity, kind=match.FEEDBACK_KIND_SHOWN)
            for s in ("ana", "ben")
        ]
        with pytest.raises(ClientError) as refused:
            await client.record_feedback_batch(items)
        assert refused.value.code == grpc.StatusCode.FAILED_PRECONDITION
        assert list(refused.value.preconditions) == ["items[1]"]
        assert await client.record_feedback_batch(items[:1]) == 1
