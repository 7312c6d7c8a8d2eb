"""Notify's gRPC API over real Redis: preferences, unsubscribe link, inbox and its watch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc
import pytest
from redis.asyncio import Redis

from services.notify.app import notify_parts
from services.notify.store import NotifyStore
from services.notify.unsubscribe import make_token
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.server import serve
from services.runtime.status import field_violations
from socialerasmus.notify.v1 import notify_pb2 as pb
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.conftest import Stack, bearer, channel_to

SECRET = b"test-unsubscribe-secret"
STUDENT = bearer("student")  # "ana"


@dataclass
class Notify:
    stub: NotifyServiceStub
    store: NotifyStore


@pytest.fixture
async def notify(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Notify]:
    monkeypatch.setenv("SE_NOTIFY_UNSUBSCRIBE_SECRET", SECRET.decode())
    settings = clean_stack.settings("notify")
    tokens = TokenRegistry.from_file(settings.tokens_file)
    redis = Redis.from_url(clean_stack.redis_url)
    async with (
        connected(settings) as connections,
        serve(settings.listen, tokens, await notify_parts(connections, settings), 0.5) as running,
        channel_to(running.address) as channel,
    ):
        yield Notify(NotifyServiceStub(channel), NotifyStore(redis))
    await redis.aclose()


def item(n: int, student: str = "ana") -> pb.InboxItem:
    created = pb.InboxItem(
        id=f"item-{n:03d}",
        student_id=student,
        kind="suggestion",
        subject=f"Activity {n}",
        text="A beach clean-up near you",
        activity_id=f"activity-{n}",
    )
    created.created_at.FromMilliseconds(1_800_000_000_000 + n)
    return created


async def test_a_student_sets_and_reads_their_preferences(notify: Notify) -> None:
    """SetPreferences stores what GetPreferences returns, stamped with updated_at."""
    wanted = pb.Preferences(
        student_id="ana",
        email="ana@example.org",
        in_app=True,
        locale="es",
        time_zone="Europe/Madrid",
        frequency=pb.FREQUENCY_DAILY_DIGEST,
        quiet_hours=pb.QuietHours(start_minute=22 * 60, end_minute=8 * 60),
        weekly_suggestion_budget=2,
    )
    stored = await notify.stub.SetPreferences(
        pb.SetPreferencesRequest(preferences=wanted), metadata=STUDENT
    )
    assert stored.preferences.HasField("updated_at")
    read = await notify.stub.GetPreferences(
        pb.GetPreferencesRequest(student_id="ana"), metadata=STUDENT
    )
    assert read.preferences.email == "ana@example.org"
    assert read.preferences.frequency == pb.FREQUENCY_DAILY_DIGEST
    assert read.preferences.display_name == ""
    wanted.display_name = "  Ana María "
    await notify.stub.SetPreferences(pb.SetPreferencesRequest(preferences=wanted), metadata=STUDENT)
    read = await notify.stub.GetPreferences(
        pb.GetPreferencesRequest(student_id="ana"), metadata=STUDENT
    )
    assert read.preferences.display_name == "Ana María"


async def test_preferences_refuse_other_students_missing_tokens_and_bad_fields(
    notify: Notify,
) -> None:
    """PERMISSION_DENIED, UNAUTHENTICATED and INVALID_ARGUMENT with the field; nothing stored."""
    request = pb.GetPreferencesRequest(student_id="ana")
    with pytest.raises(grpc.aio.AioRpcError) as other:
        await notify.stub.GetPreferences(request, metadata=bearer("other_student"))
    assert other.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as anonymous:
        await notify.stub.GetPreferences(request)
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
    bad = pb.Preferences(
        student_id="ana",
        email="not-an-address",
        locale="en",
        time_zone="Europe/Madrid",
        frequency=pb.FREQUENCY_INSTANT,
    )
    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await notify.stub.SetPreferences(
            pb.SetPreferencesRequest(preferences=bad), metadata=STUDENT
        )
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "preferences.email" in field_violations(invalid.value)
    assert (await notify.store.preferences("ana")).email == ""
    bad.email = "ana@example.org"
    bad.display_name = "Ana\u202e"
    with pytest.raises(grpc.aio.AioRpcError) as named:
        await notify.stub.SetPreferences(
            pb.SetPreferencesRequest(preferences=bad), metadata=STUDENT
        )
    assert named.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(field_violations(named.value)) == ["preferences.display_name"]
    assert (await notify.store.preferences("ana")).email == ""


async def test_the_unsubscribe_link_works_without_login_and_only_with_a_valid_token(
    notify: Notify,
) -> None:
    """A signed token unsubscribes its student; a forged one changes nothing."""
    token = make_token(SECRET, "ana", datetime.now(UTC))
    reply = await notify.stub.Unsubscribe(pb.UnsubscribeRequest(token=token))
    assert reply.student_id == "ana"
    assert (await notify.store.preferences("ana")).unsubscribed
    forged = make_token(b"another secret", "ben", datetime.now(UTC))
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await notify.stub.Unsubscribe(pb.UnsubscribeRequest(token=forged))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert not (await notify.store.preferences("ben")).unsubscribed


async def test_inbox_lists_newest_first_marks_read_and_filters_unread(notify: Notify) -> None:
    """Three items, one read: the unread filter keeps two, newest first."""
    for n in range(3):
        await notify.store.add_inbox_item(item(n))
    listed = await notify.stub.ListInbox(pb.ListInboxRequest(student_id="ana"), metadata=STUDENT)
    assert [i.id for i in listed.items] == ["item-002", "item-001", "item-000"]
    await notify.stub.MarkRead(
        pb.MarkReadRequest(student_id="ana", item_ids=["item-002"]), metadata=STUDENT
    )
    unread = await notify.stub.ListInbox(
        pb.ListInboxRequest(student_id="ana", unread_only=True), metadata=STUDENT
    )
    assert [i.id for i in unread.items] == ["item-001", "item-000"]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await notify.stub.ListInbox(
            pb.ListInboxRequest(student_id="ana"), metadata=bearer("other_student")
        )
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_watch_inbox_pushes_items_that_arrive_while_watching(notify: Notify) -> None:
    """An item added after the watch started reaches the stream."""
    call = notify.stub.WatchInbox(pb.WatchInboxRequest(student_id="ana"), metadata=STUDENT)

    async def first() -> pb.WatchInboxResponse:
        async for response in call:
            received: pb.WatchInboxResponse = response
            return received
        raise AssertionError("the stream ended")

    receiving = asyncio.create_task(first())
    for attempt in range(50):  # a new item until the server's subscription sees one
        await notify.store.add_inbox_item(item(100 + attempt))
        if receiving.done():
            break
        await asyncio.sleep(0.05)
    response = await asyncio.wait_for(receiving, 5)
    assert response.item.student_id == "ana"
    call.cancel()
