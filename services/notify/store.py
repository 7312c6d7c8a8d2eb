"""Preferences, inbox, delivery log and erasure of a student's keys in Redis.

Keys are in ``services.notify.keys``. Every key holding a student's data is added to the
student's index set in the same atomic step that creates it, so :meth:`NotifyStore.erase`
removes them all without scanning the key space. The client must return bytes (the default,
``decode_responses=False``): values are serialised protobuf messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from redis.asyncio import Redis

from services.kernel import pages
from services.notify import keys
from services.notify.events import DeliveryEvents
from services.runtime.redis_values import as_text
from services.runtime.scripts import Script
from socialerasmus.notify.v1.notify_pb2 import Delivery, Frequency, InboxItem, Preferences

DEFAULT_LOCALE: Final = "en"
DEFAULT_TIME_ZONE: Final = "UTC"
DEFAULT_FREQUENCY: Final = Frequency.FREQUENCY_INSTANT
DEFAULT_WEEKLY_BUDGET: Final = 3

NO_EVENTS: Final = DeliveryEvents()
RECENT_DELIVERIES_MAX: Final = 200
DELIVERY_TTL_SECONDS: Final = 90 * 24 * 3600
PAGE_TOKEN_FIELD: Final = "page_token"
PACKAGE: Final = "services.notify"
"""Where the scripts are: ``services/notify/lua/``."""
# An inbox page ends at the created time (ms) and id of its last item. Tokens of the inbox and of
# its unread part are bound to the same listing: either continues the other at that position.
_INBOX_LISTING: Final = "inbox"
_INBOX_PAGE_KEY: Final = re.compile(r"\d{1,19}:[\x21-\x7e]{1,236}")


def _bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def default_preferences(student_id: str) -> Preferences:
    """What a student gets before saving preferences: in-app only, English, UTC, instant."""
    return Preferences(
        student_id=student_id,
        in_app=True,
        locale=DEFAULT_LOCALE,
        time_zone=DEFAULT_TIME_ZONE,
        frequency=DEFAULT_FREQUENCY,
        weekly_suggestion_budget=DEFAULT_WEEKLY_BUDGET,
    )


def encode_page_token(score: int, item_id: str) -> str:
    """The token of the page after the item created at ``score`` (ms) with id ``item_id``."""
    return pages.encode_page_token(f"{score}:{item_id}", _INBOX_LISTING)


def decode_page_token(token: str) -> tuple[int, str]:
    """The (created ms, item id) position after which the next page starts."""
    key = pages.decode_page_token(
        token, _INBOX_LISTING, PAGE_TOKEN_FIELD, key_pattern=_INBOX_PAGE_KEY
    )
    score, item_id = key.split(":", 1)
    return int(score), item_id


class NotifyStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._add_inbox_item = Script(redis, PACKAGE, "add_inbox_item")
        self._mark_read = Script(redis, PACKAGE, "mark_read")
        self._record_delivery = Script(redis, PACKAGE, "record_delivery")
        self._erase = Script(redis, PACKAGE, "erase")
        self._save_preferences = Script(redis, PACKAGE, "save_preferences")
        self._redeem_sign_in = Script(redis, PACKAGE, "redeem_sign_in")
        self._index_email = Script(redis, PACKAGE, "index_email")

    # Preferences -----------------------------------------------------------------------

    async def preferences(self, student_id: str) -> Preferences:
        """The stored preferences, or the defaults when the student never saved any."""
        raw: Any = await self.redis.get(keys.preferences(student_id))
        if raw is None:
            return default_preferences(student_id)
        return Preferences.FromString(_bytes(raw))

    async def save_preferences(self, preferences: Preferences) -> bool:
        """Stores the preferences; False (nothing stored) when the student is erased."""
        student = preferences.student_id
        result = await self._save_preferences(
            preferences=keys.preferences(student),
            student_index=keys.student_index(student),
            tombstone=keys.tombstone(student),
            email_of=keys.email_of(student),
            data=preferences.SerializeToString(),
            student_id=student,
            email_prefix=keys.students_with_email(""),
            digest=keys.address_digest(preferences.email) if preferences.email.strip() else "",
        )
        return int(result) == 1

    async def students_with_email(self, email: str) -> list[str]:
        """The students whose preferences hold ``email`` (case and surrounding blanks aside)."""
        members: Any = await self.redis.smembers(
            keys.students_with_email(keys.address_digest(email))
        )
        return sorted(as_text(m) for m in members)

    async def index_earlier_emails(self) -> int:
        """List the students of preferences saved before the index of students by address
        existed under their address, once; returns how many preferences were read (0 when
        done before)."""
        if await self.redis.exists(keys.EMAILS_INDEXED):
            return 0
        read = 0
        async for key in self.redis.scan_iter(match=keys.preferences("*"), count=1000):
            raw: Any = await self.redis.get(key)
            if raw is None:
                continue
            stored = Preferences.FromString(_bytes(raw))
            read += 1
            await self._index_email(
                preferences=as_text(key),
                student_index=keys.student_index(stored.student_id),
                email_of=keys.email_of(stored.student_id),
                data=_bytes(raw),
                student_id=stored.student_id,
                email_prefix=keys.students_with_email(""),
                digest=keys.address_digest(stored.email) if stored.email.strip() else "",
            )
        await self.redis.set(keys.EMAILS_INDEXED, "1")
        return read

    # Sign-in links ---------------------------------------------------------------------

    async def may_send_sign_in(self, student_id: str, interval_seconds: int) -> bool:
        """True (and remembered for ``interval_seconds``) unless a sign-in link was sent to
        the student within that time."""
        return bool(
            await self.redis.set(keys.sign_in_sent(student_id), "1", nx=True, ex=interval_seconds)
        )

    async def redeem_sign_in(self, link_id: str, student_id: str, expires_ms: int) -> str:
        """'redeemed' the first time a link is used, then 'used'; 'erased' for an erased
        student. The link's id is remembered until ``expires_ms``, when the link expires."""
        result = await self._redeem_sign_in(
            used=keys.sign_in_used(link_id),
            tombstone=keys.tombstone(student_id),
            expires_ms=expires_ms,
        )
        return as_text(result)

    async def is_erased(self, student_id: str) -> bool:
        """The student was erased and has no new profile: nothing is taken about them."""
        value: Any = await self.redis.get(keys.tombstone(student_id))
        return value is not None and as_text(value).startswith("erased")

    # Inbox -----------------------------------------------------------------------------

    async def add_inbox_item(self, item: InboxItem) -> bool:
        """Store and publish a new item; False (and nothing changes) when its id exists or
        the student is erased."""
        student = item.student_id
        result = await self._add_inbox_item(
            item=keys.inbox_item(student, item.id),
            inbox=keys.inbox(student),
            unread=keys.unread(student),
            student_index=keys.student_index(student),
            tombstone=keys.tombstone(student),
            data=item.SerializeToString(),
            created_ms=item.created_at.ToMilliseconds(),
            item_id=item.id,
            read=item.read,
            channel=keys.inbox_channel(student),
        )
        return int(result) == 1

    async def list_inbox(
        self,
        student_id: str,
        unread_only: bool = False,
        page_size: int = 20,
        after_token: str = "",
    ) -> tuple[list[InboxItem], str]:
        """One page, newest first (ties by id, descending), and the token of the next page
        ("" after the last). The token is a position, so items added meanwhile neither repeat
        nor shift the following pages."""
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        index = keys.unread(student_id) if unread_only else keys.inbox(student_id)
        wanted = page_size + 1  # one more tells whether there is a next page
        entries: list[tuple[str, int]] = []
        if after_token:
            score, last_id = decode_page_token(after_token)
            # Items created in the same millisecond as the last one: the rest of them first.
            ties: Any = await self.redis.zrangebyscore(index, score, score)
            entries += [(i, score) for i in sorted((as_text(m) for m in ties), reverse=True)]
            entries = [(i, s) for i, s in entries if i < last_id][:wanted]
            if len(entries) < wanted:
                older: Any = await self.redis.zrevrangebyscore(
                    index, f"({score}", "-inf", start=0, num=wanted - len(entries), withscores=True
                )
                entries += [(as_text(m), int(s)) for m, s in older]
        else:
            newest: Any = await self.redis.zrevrange(index, 0, wanted - 1, withscores=True)
            entries = [(as_text(m), int(s)) for m, s in newest]
        page = entries[:page_size]
        items = await self._items(student_id, [i for i, _ in page])
        next_token = ""
        if len(entries) > page_size and page:
            last_id, last_score = page[-1]
            next_token = encode_page_token(last_score, last_id)
        return items, next_token

    async def _items(self, student_id: str, item_ids: Sequence[str]) -> list[InboxItem]:
        if not item_ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for item_id in item_ids:
                pipe.hmget(keys.inbox_item(student_id, item_id), ["data", "read"])
            rows: list[Any] = await pipe.execute()
        items: list[InboxItem] = []
        for data, read in rows:
            if data is None:  # erased or never fully written: skip rather than fail the page
                continue
            item = InboxItem.FromString(_bytes(data))
            item.read = read is not None and as_text(read) == "1"
            items.append(item)
        return items

    async def mark_read(self, student_id: str, item_ids: Sequence[str]) -> int:
        """Marks the student's items read; unknown ids are ignored. Returns how many changed."""
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return 0
        result = await self._mark_read(
            unread=keys.unread(student_id),
            items=[{"item": keys.inbox_item(student_id, i), "id": i} for i in ids],
        )
        return int(result)

    # Delivery log ----------------------------------------------------------------------

    async def record_delivery(self, delivery: Delivery, events: DeliveryEvents = NO_EVENTS) -> bool:
        """Keeps the latest status per message and channel, and appends ``events`` to the
        outbox in the same step; False when ``delivery`` is older than the status already
        stored, or the student is erased (nothing changes, nothing is announced)."""
        student = delivery.student_id
        result = await self._record_delivery(
            delivery=keys.delivery(student, delivery.message_id),
            recent=keys.recent_deliveries(student),
            student_index=keys.student_index(student),
            tombstone=keys.tombstone(student),
            channel=delivery.channel,
            data=delivery.SerializeToString(),
            updated_ms=delivery.updated_at.ToMilliseconds(),
            message_id=delivery.message_id,
            recent_max=RECENT_DELIVERIES_MAX,
            ttl_seconds=DELIVERY_TTL_SECONDS,
            outbox=keys.OUTBOX,
            recorded=events.recorded,
            dead_letter=events.dead_letter,
        )
        return int(result) == 1

    async def deliveries(
        self, student_id: str, message_id: str = "", limit: int = 50
    ) -> list[Delivery]:
        """Latest status per channel of one message, or of the student's most recently updated
        messages (newest first); channels in name order within a message."""
        if limit < 1:
            return []
        if message_id:
            message_ids = [message_id]
        else:
            raw_ids: Any = await self.redis.lrange(
                keys.recent_deliveries(student_id), 0, RECENT_DELIVERIES_MAX - 1
            )
            message_ids = [as_text(m) for m in raw_ids]
        result: list[Delivery] = []
        async with self.redis.pipeline(transaction=False) as pipe:
            for mid in message_ids:
                pipe.hgetall(keys.delivery(student_id, mid))
            hashes: list[Any] = await pipe.execute()
        for fields in hashes:
            by_channel = {
                as_text(k)[2:]: v for k, v in fields.items() if as_text(k).startswith("d:")
            }
            for channel in sorted(by_channel):
                result.append(Delivery.FromString(_bytes(by_channel[channel])))
                if len(result) >= limit:
                    return result
        return result

    # Erasure ---------------------------------------------------------------------------

    async def erase(self, student_id: str) -> int:
        """Deletes every key of the student (the index itself included); returns how many
        existed."""
        result = await self._erase(
            student_index=keys.student_index(student_id),
            email_of=keys.email_of(student_id),
            student_id=student_id,
            email_prefix=keys.students_with_email(""),
        )
        return int(result)
