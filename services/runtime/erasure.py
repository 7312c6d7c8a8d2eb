"""Erasing a student everywhere: the events that carry it and the tombstones that keep it.

Matching erases a profile on request and announces it (``se.matching.profile.erased``). Each
service then erases what it holds of the student and keeps a *tombstone*, so that it takes
no fact about them again (a late event, a platform enrolling them again) until matching
announces a new profile (``se.matching.profile.recreated``).

A tombstone is one Redis key per student, ``<service>:tombstone:<digest>``, named by the
SHA-256 digest of the id rather than the id: the service can recognise the student when they
come again, but the id cannot be read back from it. Its value is ``erased <revision>`` or
``lifted <revision>``, the revision being the id of the event that set it (a ULID, ordered
by time): an event older than the one last applied changes nothing, so an erasure
redelivered after the profile was created again does not erase the new one. A lifted
tombstone expires once no older erasure event can still be delivered (the streams' personal
data window); an erased one stays.

Lua scripts that must refuse an erased student read the key themselves, in the same atomic
step as their write, with ``is_erased`` of ``services/runtime/lua/tombstone.lua``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Final

from redis.asyncio import Redis

from services.runtime.redis_values import as_text
from services.runtime.scripts import Script
from socialerasmus.matching.v1.events_pb2 import ProfileErased, ProfileRecreated

__all__ = ["OnErased", "Tombstones", "erased_value", "tombstone_key"]

_ERASED: Final = "erased"
_LIFTED: Final = "lifted"


def tombstone_key(prefix: str, student_id: str) -> str:
    """The tombstone of ``student_id`` among the keys of the service with ``prefix``."""
    return f"{prefix}:tombstone:{hashlib.sha256(student_id.encode()).hexdigest()}"


def erased_value(revision: str) -> str:
    """The value of a tombstone set by the erasure event ``revision``."""
    return f"{_ERASED} {revision}"


OnErased = Callable[[str], Awaitable[object]]


class Tombstones:
    """The tombstones of one service, set from matching's events (the handlers of
    ``se.matching.profile.erased`` and ``.recreated``: :meth:`erasure`, :meth:`recreated`)."""

    def __init__(self, redis: Redis, prefix: str, lifted_seconds: float) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lifted_seconds = max(int(lifted_seconds), 1)
        self._record = Script(redis, "services.runtime", "record_tombstone")

    def key(self, student_id: str) -> str:
        return tombstone_key(self.prefix, student_id)

    async def erase(self, student_id: str, revision: str) -> bool:
        """Marks the student erased; False when a newer event (a new profile) came first."""
        return await self._set(_ERASED, student_id, revision)

    async def lift(self, student_id: str, revision: str) -> bool:
        """The student has a profile again; False when a newer erasure came first."""
        return await self._set(_LIFTED, student_id, revision)

    def erasure(self, on_erased: OnErased) -> Callable[[ProfileErased], Awaitable[None]]:
        """The handler of an erasure event: sets the tombstone, then ``on_erased`` erases the
        service's data of the student. It runs after the tombstone is set, so nothing about
        the student can be written meanwhile, and again when the event is redelivered (it
        must be safe to repeat); not at all when a newer profile came first."""

        async def handle(erased: ProfileErased) -> None:
            if await self.erase(erased.student_id, erased.event_id):
                await on_erased(erased.student_id)

        return handle

    async def recreated(self, event: ProfileRecreated) -> None:
        """The handler of a new profile after an erasure: lifts the tombstone."""
        await self.lift(event.student_id, event.event_id)

    async def is_erased(self, student_id: str) -> bool:
        value = await self.redis.get(self.key(student_id))
        return value is not None and as_text(value).startswith(_ERASED)

    async def _set(self, state: str, student_id: str, revision: str) -> bool:
        result = await self._record(
            tombstone=self.key(student_id),
            state=state,
            revision=revision,
            lifted_seconds=self.lifted_seconds,
        )
        return int(result) == 1
