"""NotifyStore against the suite's real Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from redis.asyncio import Redis

from services.notify import keys
from services.notify.schedule import Change, Outcome, Schedule
from services.notify.store import NotifyStore, default_preferences
from services.runtime.errors import InvalidArgument
from socialerasmus.notify.v1.notify_pb2 import (
    DELIVERY_STATUS_DELIVERED,
    DELIVERY_STATUS_FAILED,
    DELIVERY_STATUS_RETRYING,
    DELIVERY_STATUS_SCHEDULED,
    FREQUENCY_INSTANT,
    FREQUENCY_WEEKLY_DIGEST,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Preferences,
)

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def ts(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def item(item_id: str, minute: int, student_id: str = "ana") -> InboxItem:
    return InboxItem(
        id=item_id,
        student_id=student_id,
        kind="suggestion",
        subject=f"Subject {item_id}",
        text="Hello",
        activity_id="01J00000000000000000000000",
        created_at=ts(T0 + timedelta(minutes=minute)),
    )


def delivery(
    message_id: str,
    channel: str,
    status: DeliveryStatus.ValueType,
    second: int,
    student_id: str = "ana",
) -> Delivery:
    return Delivery(
        message_id=message_id,
        student_id=student_id,
        kind="suggestion",
        channel=channel,
        status=status,
        attempts=1,
        updated_at=ts(T0 + timedelta(seconds=second)),
    )


@pytest.fixture
def store(redis_client: Redis) -> NotifyStore:
    return NotifyStore(redis_client)


async def all_pages(
    store: NotifyStore, student_id: str, page_size: int, unread_only: bool = False
) -> list[str]:
    ids: list[str] = []
    token = ""
    while True:
        items, token = await store.list_inbox(student_id, unread_only, page_size, token)
        ids += [i.id for i in items]
        if not token:
            return ids


# Preferences ---------------------------------------------------------------------------


async def test_preferences_default_until_saved(store: NotifyStore) -> None:
    prefs = await store.preferences("ana")
    assert prefs == default_preferences("ana")
    assert prefs.in_app
    assert (prefs.locale, prefs.time_zone) == ("en", "UTC")
    assert prefs.frequency == FREQUENCY_INSTANT
    assert prefs.weekly_suggestion_budget == 3

    saved = Preferences(
        student_id="ana",
        email="ana@example.org",
        locale="es",
        time_zone="Europe/Madrid",
        frequency=FREQUENCY_WEEKLY_DIGEST,
        weekly_suggestion_budget=0,
    )
    await store.save_preferences(saved)
    assert await store.preferences("ana") == saved
    assert await store.preferences("ben") == default_preferences("ben")


# Inbox ---------------------------------------------------------------------------------


async def test_inbox_add_is_idempotent_by_id(store: NotifyStore) -> None:
    assert await store.add_inbox_item(item("a", 1))
    changed = item("a", 5)
    changed.subject = "Other"
    assert not await store.add_inbox_item(changed)
    items, token = await store.list_inbox("ana")
    assert [(i.id, i.subject) for i in items] == [("a", "Subject a")]
    assert token == ""


async def test_inbox_is_per_student(store: NotifyStore) -> None:
    await store.add_inbox_item(item("a", 1, "ana"))
    assert await store.add_inbox_item(item("a", 1, "ben"))  # same id, other student
    assert [i.student_id for i in (await store.list_inbox("ben"))[0]] == ["ben"]


async def test_inbox_pages_newest_first_without_repeats_while_items_arrive(
    store: NotifyStore,
) -> None:
    for n in range(10):
        await store.add_inbox_item(item(f"m{n:02d}", n))
    # Three items share one millisecond: ties are ordered by id, descending.
    for suffix in ("x", "y", "z"):
        await store.add_inbox_item(item(f"m04{suffix}", 4))

    first, token = await store.list_inbox("ana", page_size=4)
    assert [i.id for i in first] == ["m09", "m08", "m07", "m06"]
    seen = [i.id for i in first]
    newer = 100
    while token:
        # Newer items arrive between pages; they must neither repeat nor shift the pages.
        await store.add_inbox_item(item(f"new{newer}", newer))
        newer += 1
        page, token = await store.list_inbox("ana", page_size=4, after_token=token)
        assert 0 < len(page) <= 4
        seen += [i.id for i in page]
    assert seen == [
        "m09", "m08", "m07", "m06", "m05", "m04z", "m04y", "m04x", "m04",
        "m03", "m02", "m01", "m00",
    ]  # fmt: skip
    assert len(set(seen)) == len(seen)


async def test_page_split_inside_a_tie(store: NotifyStore) -> None:
    for suffix in "abcde":
        await store.add_inbox_item(item(suffix, 0))
    await store.add_inbox_item(item("older", -1))
    assert await all_pages(store, "ana", 2) == ["e", "d", "c", "b", "a", "older"]


async def test_exact_last_page_has_no_token(store: NotifyStore) -> None:
    for n in range(4):
        await store.add_inbox_item(item(f"m{n}", n))
    items, token = await store.list_inbox("ana", page_size=4)
    assert len(items) == 4
    assert token == ""
    assert await store.list_inbox("nobody") == ([], "")


@pytest.mark.parametrize("token", ["garbage!", "bm8tY29sb24", "YWJjOmRlZg", "MTIzOg"])
async def test_bad_page_token(store: NotifyStore, token: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await store.list_inbox("ana", after_token=token)
    assert caught.value.violations[0].field == "page_token"


async def test_mark_read_and_unread_filter(store: NotifyStore) -> None:
    for n in range(5):
        await store.add_inbox_item(item(f"m{n}", n))
    assert await store.mark_read("ana", ["m1", "m3", "m3", "unknown"]) == 2
    assert await store.mark_read("ana", ["m1"]) == 0  # already read
    assert await store.mark_read("ben", ["m0"]) == 0  # not ben's
    assert await store.mark_read("ana", []) == 0

    items, _ = await store.list_inbox("ana")
    assert [(i.id, i.read) for i in items] == [
        ("m4", False),
        ("m3", True),
        ("m2", False),
        ("m1", True),
        ("m0", False),
    ]
    assert await all_pages(store, "ana", 2, unread_only=True) == ["m4", "m2", "m0"]
    # No key was created for the unknown id.
    assert not await store.redis.exists(keys.inbox_item("ana", "unknown"))


async def test_item_added_as_read_is_not_unread(store: NotifyStore) -> None:
    read = item("r", 1)
    read.read = True
    await store.add_inbox_item(read)
    assert (await store.list_inbox("ana", unread_only=True))[0] == []
    assert [i.read for i in (await store.list_inbox("ana"))[0]] == [True]


# Delivery log --------------------------------------------------------------------------


async def test_delivery_log_keeps_latest_status_per_channel(store: NotifyStore) -> None:
    await store.record_delivery(delivery("m1", "email", DELIVERY_STATUS_SCHEDULED, 0))
    await store.record_delivery(delivery("m1", "email", DELIVERY_STATUS_RETRYING, 10))
    await store.record_delivery(delivery("m1", "webhook", DELIVERY_STATUS_FAILED, 11))
    await store.record_delivery(delivery("m2", "in_app", DELIVERY_STATUS_DELIVERED, 12))
    # A late redelivery of an older status does not win.
    assert not await store.record_delivery(delivery("m1", "email", DELIVERY_STATUS_SCHEDULED, 5))
    assert await store.record_delivery(delivery("m1", "email", DELIVERY_STATUS_DELIVERED, 20))

    one = await store.deliveries("ana", "m1")
    assert [(d.channel, d.status) for d in one] == [
        ("email", DELIVERY_STATUS_DELIVERED),
        ("webhook", DELIVERY_STATUS_FAILED),
    ]
    recent = await store.deliveries("ana")
    assert [(d.message_id, d.channel) for d in recent] == [
        ("m1", "email"),
        ("m1", "webhook"),
        ("m2", "in_app"),
    ]
    assert len(await store.deliveries("ana", limit=2)) == 2
    assert await store.deliveries("ben") == []
    assert await store.deliveries("ana", "nope") == []


async def test_recent_deliveries_are_capped(store: NotifyStore) -> None:
    for n in range(205):
        await store.record_delivery(delivery(f"m{n}", "email", DELIVERY_STATUS_DELIVERED, n))
    assert await store.redis.llen(keys.recent_deliveries("ana")) == 200
    recent = await store.deliveries("ana", limit=500)
    assert len(recent) == 200
    assert recent[0].message_id == "m204"
    assert recent[-1].message_id == "m5"


# Erasure -------------------------------------------------------------------------------


async def keys_mentioning(redis: Redis, student_id: str) -> list[str]:
    found: list[str] = []
    async for key in redis.scan_iter(match="notify:*"):
        text = key.decode() if isinstance(key, bytes) else str(key)
        if student_id in text:
            found.append(text)
    return found


async def test_erase_removes_every_key_of_the_student(store: NotifyStore) -> None:
    for student in ("ana", "anabel"):
        await store.save_preferences(default_preferences(student))
        for n in range(3):
            await store.add_inbox_item(item(f"{student}-{n}", n, student))
        await store.mark_read(student, [f"{student}-0"])
        await store.record_delivery(delivery("m1", "email", DELIVERY_STATUS_DELIVERED, 0, student))
        claimed = Change(student, f"act1:suggestion:{student}", "2027-W09", budget=3)
        assert await Schedule(store.redis).apply(claimed) is Outcome.APPLIED
    assert await keys_mentioning(store.redis, "ana")

    removed = await store.erase("ana")
    # prefs, inbox, unread, 3 items, claim, delivery, recent list, budget, the index.
    assert removed == 11
    assert [k for k in await keys_mentioning(store.redis, "ana") if "anabel" not in k] == []
    assert await store.preferences("ana") == default_preferences("ana")
    assert await store.list_inbox("ana") == ([], "")
    assert await store.deliveries("ana") == []
    assert await store.erase("ana") == 0

    # Another student whose id starts the same is untouched.
    assert len((await store.list_inbox("anabel"))[0]) == 3
    assert len(await store.deliveries("anabel")) == 1
    # The erased student's message may be claimed again (nothing of them is remembered).
    again = Change("ana", "act1:suggestion:ana", "2027-W09", budget=3)
    assert await Schedule(store.redis).apply(again) is Outcome.APPLIED
