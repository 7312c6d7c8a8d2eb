"""Notify's use cases behind its gRPC API: preferences, inbox, unsubscribe, delivery status
(what was sent, and what waits in the schedule)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.kernel.ids import validate_student_id
from services.kernel.pages import validate_page_size
from services.notify.schedule import Schedule
from services.notify.store import NotifyStore
from services.notify.unsubscribe import read_token
from services.notify.validation import validate_preferences
from services.notify.waiting import waiting, with_waiting
from services.notify.watchers import InboxWatchers
from services.runtime.auth import Principal
from services.runtime.clock import Clock, utc_now
from services.runtime.errors import FailedPrecondition, InvalidArgument
from socialerasmus.notify.v1.notify_pb2 import Delivery, InboxItem, Preferences

MAX_MARKED = 100


class NotifyService:
    def __init__(
        self,
        store: NotifyStore,
        schedule: Schedule,
        watchers: InboxWatchers,
        unsubscribe_secret: bytes,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.schedule = schedule
        self.watchers = watchers
        self.unsubscribe_secret = unsubscribe_secret
        self.clock = clock

    async def get_preferences(self, principal: Principal, student_id: str) -> Preferences:
        validate_student_id(student_id, "student_id")
        principal.require_student(student_id)
        return await self.store.preferences(student_id)

    async def set_preferences(self, principal: Principal, preferences: Preferences) -> Preferences:
        validate_preferences(preferences)
        principal.require_student(preferences.student_id)
        stored = Preferences()
        stored.CopyFrom(preferences)
        stored.display_name = preferences.display_name.strip()
        stored.updated_at.FromDatetime(self.clock())
        if not await self.store.save_preferences(stored):
            raise FailedPrecondition(
                f"student {preferences.student_id} was erased: nothing is kept about them"
                " until they create a new profile"
            )
        return stored

    async def unsubscribe(self, token: str) -> str:
        """Unsubscribe the student named by a signed link token; no login needed."""
        if not token:
            raise InvalidArgument.single("token", "required")
        student_id = read_token(self.unsubscribe_secret, token, self.clock())
        preferences = await self.store.preferences(student_id)
        preferences.unsubscribed = True
        preferences.updated_at.FromDatetime(self.clock())
        # An erased student's link: nothing is sent to them, so there is nothing to keep.
        await self.store.save_preferences(preferences)
        return student_id

    async def list_inbox(
        self, principal: Principal, student_id: str, unread_only: bool, page_size: int, token: str
    ) -> tuple[list[InboxItem], str]:
        validate_student_id(student_id, "student_id")
        size = validate_page_size(page_size, "page_size")
        principal.require_student(student_id)
        return await self.store.list_inbox(student_id, unread_only, size, token)

    async def mark_read(self, principal: Principal, student_id: str, item_ids: list[str]) -> int:
        validate_student_id(student_id, "student_id")
        if not 1 <= len(item_ids) <= MAX_MARKED:
            raise InvalidArgument.single("item_ids", f"give 1 to {MAX_MARKED} item ids")
        principal.require_student(student_id)
        return await self.store.mark_read(student_id, item_ids)

    async def watch_inbox(self, principal: Principal, student_id: str) -> AsyncIterator[InboxItem]:
        validate_student_id(student_id, "student_id")
        principal.require_student(student_id)
        async for item in self.watchers.watch(student_id):
            yield item

    async def deliveries(
        self, principal: Principal, student_id: str, message_id: str, page_size: int
    ) -> list[Delivery]:
        validate_student_id(student_id, "student_id")
        size = validate_page_size(page_size, "page_size")
        principal.require_student(student_id)
        logged = await self.store.deliveries(student_id, message_id, size)
        pending = [
            (job, due)
            for job, due in await self.schedule.pending_of(student_id)
            if not message_id or job.message_id == message_id
        ]
        digest_size = len(await self.schedule.digest_items(student_id)) if pending else 0
        return with_waiting(waiting(pending, self.clock(), digest_size), logged, size)
