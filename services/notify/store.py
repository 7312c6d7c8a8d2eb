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
from services.runtime.redis_values import as_text
from socialerasmus.notify.v1.notify_pb2 import Delivery, Frequency, InboxItem, Preferences

DEFAULT_LOCALE: Final = "en"
DEFAULT_TIME_ZONE: Final = "UTC"
DEFAULT_FREQUENCY: Final = Frequency.FREQUENCY_INSTANT
DEFAULT_WEEKLY_BUDGET: Final = 3

RECENT_DELIVERIES_MAX: Final = 200
DELIVERY_TTL_SECONDS: Final = 90 * 24 * 3600
PAGE_TOKEN_FIELD: Final = "page_token"
# An inbox page ends at the created time (ms) and id of its last item. Tokens of the inbox and of
# its unread part are bound to the same listing: either continues the other at that position.
_INBOX_LISTING: Final = "inbox"
_INBOX_PAGE_KEY: Final = re.compile(r"\d{1,19}:[\x21-\x7e]{1,236}")

# KEYS: item hash, inbox zset, unread zset, student index, tombstone.
# ARGV: serialised item, score (ms), item id, read ("0"/"1"), pub/sub channel.
# Returns 1, 0 (the item exists), -1 (the student is erased).
_ADD_INBOX_ITEM = """
if string.sub(redis.call('GET', KEYS[5]) or '', 1, 6) == 'erased' then
  return -1
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'read', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] == '0' then
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
end
redis.call('SADD', KEYS[4], KEYS[1], KEYS[2], KEYS[3])
redis.call('PUBLISH', ARGV[5], ARGV[1])
return 1
"""

# KEYS: unread zset, then one item hash per id. ARGV: the ids, in the same order.
_MARK_READ = """
local marked = 0
for i = 1, #ARGV do
  if redis.call('HGET', KEYS[i + 1], 'read') == '0' then
    redis.call('HSET', KEYS[i + 1], 'read', '1')
    marked = marked + 1
  end
  redis.call('ZREM', KEYS[1], ARGV[i])
end
return marked
"""

# KEYS: delivery hash, recent list, student index, tombstone.
# ARGV: channel, serialised delivery, updated_at ms, message id, list cap, ttl seconds.
# An update older than the stored one (a redelivered event) is ignored, as is one about an
# erased student (a message that was being sent when the erasure came).
_RECORD_DELIVERY = """
if string.sub(redis.call('GET', KEYS[4]) or '', 1, 6) == 'erased' then
  return 0
end
local at = redis.call('HGET', KEYS[1], 'at:' .. ARGV[1])
if at and tonumber(at) > tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], 'd:' .. ARGV[1], ARGV[2], 'at:' .. ARGV[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('LREM', KEYS[2], 0, ARGV[4])
redis.call('LPUSH', KEYS[2], ARGV[4])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
redis.call('SADD', KEYS[3], KEYS[1], KEYS[2])
return 1
"""

# KEYS: preferences, student index, tombstone. ARGV: serialised preferences.
_SAVE_PREFERENCES = """
if string.sub(redis.call('GET', KEYS[3]) or '', 1, 6) == 'erased' then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], KEYS[1])
return 1
"""

# KEYS: student index. Every indexed key carries the student's hash tag (same cluster slot).
_ERASE = """
local members = redis.call('SMEMBERS', KEYS[1])
local removed = 0
for i = 1, #members, 500 do
  removed = removed + redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
return removed + redis.call('DEL', KEYS[1])
"""


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
        self._add_inbox_item = redis.register_script(_ADD_INBOX_ITEM)
        self._mark_read = redis.register_script(_MARK_READ)
        self._record_delivery = redis.register_script(_RECORD_DELIVERY)
        self._erase = redis.register_script(_ERASE)
        self._save_preferences = redis.register_script(_SAVE_PREFERENCES)

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
            keys=[keys.preferences(student), keys.student_index(student), keys.tombstone(student)],
            args=[preferences.SerializeToString()],
        )
        return int(result) == 1

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
            keys=[
                keys.inbox_item(student, item.id),
                keys.inbox(student),
                keys.unread(student),
                keys.student_index(student),
                keys.tombstone(student),
            ],
            args=[
                item.SerializeToString(),
                item.created_at.ToMilliseconds(),
                item.id,
                "1" if item.read else "0",
                keys.inbox_channel(student),
            ],
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
            keys=[keys.unread(student_id), *(keys.inbox_item(student_id, i) for i in ids)],
            args=ids,
        )
        return int(result)

    # Delivery log ----------------------------------------------------------------------

    async def record_delivery(self, delivery: Delivery) -> bool:
        """Keeps the latest status per message and channel; False when ``delivery`` is older
        than the status already stored (nothing changes)."""
        student = delivery.student_id
        result = await self._record_delivery(
            keys=[
                keys.delivery(student, delivery.message_id),
                keys.recent_deliveries(student),
                keys.student_index(student),
                keys.tombstone(student),
            ],
            args=[
                delivery.channel,
                delivery.SerializeToString(),
                delivery.updated_at.ToMilliseconds(),
                delivery.message_id,
                RECENT_DELIVERIES_MAX,
                DELIVERY_TTL_SECONDS,
            ],
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
        result = await self._erase(keys=[keys.student_index(student_id)], args=[])
        return int(result)
