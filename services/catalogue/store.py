"""Activities and enrolments in Redis. Every change and its event are one Lua script."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from redis.asyncio import Redis

from services.catalogue import keys
from services.catalogue.activities import COMPLETED, PUBLISHED
from services.catalogue.filters import ordering_key, search_text
from services.runtime.errors import Aborted, FailedPrecondition, NotFound
from services.runtime.events import OutgoingEvent
from services.runtime.redis_values import as_text
from services.runtime.scripts import Script
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, Enrolment, EnrolmentStatus

PACKAGE = "services.catalogue"
"""Where the scripts are: ``services/catalogue/lua/``."""
CREATE_REQUEST_TTL_SECONDS = 24 * 3600

STATUS_BY_NAME = {
    "confirmed": EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED,
    "waitlisted": EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED,
    "cancelled": EnrolmentStatus.ENROLMENT_STATUS_CANCELLED,
}
NAME_BY_STATUS = {value: name for name, value in STATUS_BY_NAME.items()}

ATTENDANCE_NOT_OPEN = "attendance is kept only for published or completed activities"
ATTENDANCE_TOO_EARLY = "the activity has not started: attendance can be marked once it has"


def attendance_without_place(student_id: str, status: str) -> str:
    return (
        f"student {student_id} is {status}, not confirmed: attendance is marked only for"
        " confirmed places"
    )


def _stamp_ms(milliseconds: int) -> Timestamp:
    stamp = Timestamp()
    stamp.FromMilliseconds(milliseconds)
    return stamp


@dataclass(frozen=True, slots=True)
class EnrolOutcome:
    enrolment: Enrolment
    created: bool


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    cancelled: Enrolment
    promoted_student: str


class CatalogueStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._save = Script(redis, PACKAGE, "save_activity")
        self._listing_entries = Script(redis, PACKAGE, "listing_entries")
        self._enrol = Script(redis, PACKAGE, "enrol")
        self._cancel = Script(redis, PACKAGE, "cancel_enrolment")
        self._promote = Script(redis, PACKAGE, "promote")
        self._erase_enrolment = Script(redis, PACKAGE, "erase_enrolment")
        self._record_message = Script(redis, PACKAGE, "record_message")
        self._mark_attendance = Script(redis, PACKAGE, "mark_attendance")
        self._index_enrolment = Script(redis, PACKAGE, "index_enrolment")

    # Activities ---------------------------------------------------------------------

    async def get(self, activity_id: str) -> Activity | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(keys.activity(activity_id), "proto")
            pipe.scard(keys.confirmed(activity_id))
            pipe.zcard(keys.waitlist(activity_id))
            raw, confirmed, waitlisted = await pipe.execute()
        if raw is None:
            return None
        return self._with_seats(Activity.FromString(raw), confirmed, waitlisted)

    async def require(self, activity_id: str) -> Activity:
        found = await self.get(activity_id)
        if found is None:
            raise NotFound(f"activity {activity_id} not found")
        return found

    @staticmethod
    def _with_seats(activity: Activity, confirmed: int, waitlisted: int) -> Activity:
        activity.seats_left = max(activity.details.capacity - confirmed, 0)
        activity.waitlist_length = waitlisted
        return activity

    async def claim_create_request(self, request_id: str, new_id: str) -> str:
        """The activity id for a create request: ``new_id`` unless the key was seen before."""
        key = keys.create_request(request_id)
        if await self.redis.set(key, new_id, nx=True, ex=CREATE_REQUEST_TTL_SECONDS):
            return new_id
        existing = await self.redis.get(key)
        return as_text(existing) if existing is not None else new_id

    async def save(
        self, activity: Activity, previous: Activity | None, event: OutgoingEvent | None
    ) -> None:
        """Write ``activity`` if the stored version is still ``previous.version``."""
        details = activity.details
        old_details = previous.details if previous is not None else details
        stored = activity.__class__()
        stored.CopyFrom(activity)
        stored.ClearField("seats_left")
        stored.ClearField("waitlist_length")
        result = await self._save(
            activity=keys.activity(activity.id),
            confirmed=keys.confirmed(activity.id),
            order=keys.ORDER_ALL,
            old_section=keys.order_by_section(old_details.section_id),
            new_section=keys.order_by_section(details.section_id),
            old_edition=keys.order_by_edition(old_details.week_edition),
            new_edition=keys.order_by_edition(details.week_edition),
            outbox=keys.OUTBOX,
            expected_version=previous.version if previous is not None else 0,
            version=activity.version,
            proto=stored.SerializeToString(),
            search_text=search_text(details),
            state=int(activity.state),
            capacity=details.capacity,
            section=details.section_id,
            starts_at=details.starts_at.seconds,
            old_order_key=ordering_key(previous) if previous is not None else "",
            order_key=ordering_key(activity),
            event=event,
        )
        outcome = as_text(result[0])
        if outcome == "stale":
            raise Aborted(
                f"activity {activity.id} is at version {as_text(result[1])}, not"
                f" {previous.version if previous else 0}; read it again and retry"
            )
        if outcome == "below_confirmed":
            raise FailedPrecondition(
                f"capacity {details.capacity} is below the {as_text(result[1])} confirmed students"
            )

    async def scan(
        self, index: str, after: str, until: str, limit: int, words: Iterable[str] = ()
    ) -> list[tuple[str, Activity | None]]:
        """Up to ``limit`` index entries after ``after`` with their activities: None when an
        entry outlived its activity, or when its saved search text lacks one of ``words``
        (an activity saved before search texts were kept comes back whatever the words)."""
        lower = f"({after}" if after else "-"
        upper = f"({until}" if until else "+"
        found: Any = await self.redis.zrangebylex(index, lower, upper, start=0, num=limit)
        members: list[bytes] = found
        if not members:
            return []
        order_keys = [as_text(m) for m in members]
        raws = await self._listing_entries(
            items=[{"activity": keys.activity(key.rsplit(":", 1)[1])} for key in order_keys],
            words=[{"word": word} for word in words],
        )
        return [
            (key, Activity.FromString(raw) if raw else None)
            for key, raw in zip(order_keys, raws, strict=True)
        ]

    async def fill_seats(self, activities: list[Activity]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for activity in activities:
                pipe.scard(keys.confirmed(activity.id))
                pipe.zcard(keys.waitlist(activity.id))
            counts = await pipe.execute()
        for index, activity in enumerate(activities):
            self._with_seats(activity, counts[2 * index], counts[2 * index + 1])

    # Enrolments ---------------------------------------------------------------------

    async def enrolment(self, activity_id: str, student_id: str) -> Enrolment | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.enrolment(activity_id, student_id))
            pipe.zrank(keys.waitlist(activity_id), student_id)
            fields, rank = await pipe.execute()
        if not fields:
            return None
        return self._enrolment(activity_id, student_id, fields, rank)

    @staticmethod
    def _enrolment(
        activity_id: str, student_id: str, fields: dict[bytes, bytes], rank: int | None
    ) -> Enrolment:
        status = STATUS_BY_NAME[as_text(fields[b"status"])]
        enrolment = Enrolment(
            activity_id=activity_id,
            student_id=student_id,
            status=status,
            waitlist_position=(rank + 1)
            if status == EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED and rank is not None
            else 0,
            promoted=fields.get(b"promoted") == b"1",
            created_at=_stamp_ms(int(fields[b"created_ms"])),
            updated_at=_stamp_ms(int(fields[b"updated_ms"])),
        )
        marked_ms = fields.get(b"attendance_ms")
        if marked_ms and status == EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED:
            enrolment.attended = fields.get(b"attended") == b"1"
            enrolment.attendance_marked_at.FromMilliseconds(int(marked_ms))
        return enrolment

    async def enrol(
        self,
        activity_id: str,
        student_id: str,
        now_ms: int,
        confirmed_event: OutgoingEvent,
        waitlisted_event: OutgoingEvent,
    ) -> EnrolOutcome:
        result = await self._enrol(
            activity=keys.activity(activity_id),
            enrolment=keys.enrolment(activity_id, student_id),
            confirmed=keys.confirmed(activity_id),
            waitlist=keys.waitlist(activity_id),
            enrolments=keys.enrolments(activity_id),
            outbox=keys.OUTBOX,
            student_enrolments=keys.student_enrolments(student_id),
            tombstone=keys.tombstone(student_id),
            student_id=student_id,
            activity_id=activity_id,
            now_ms=now_ms,
            now_s=now_ms // 1000,
            published_state=int(PUBLISHED),
            confirmed_event=confirmed_event,
            waitlisted_event=waitlisted_event,
        )
        outcome = as_text(result[0])
        if outcome == "erased":
            raise FailedPrecondition(
                f"student {student_id} was erased: they can be enrolled again once they"
                " create a new profile"
            )
        if outcome == "not_found":
            raise NotFound(f"activity {activity_id} not found")
        if outcome == "not_open":
            raise FailedPrecondition("enrolment is open only for published activities")
        if outcome == "started":
            raise FailedPrecondition("the activity has already started")
        _, status, created_ms, updated_ms, promoted, rank = result
        fields = {b"status": status, b"created_ms": created_ms, b"updated_ms": updated_ms}
        fields[b"promoted"] = promoted
        enrolment = self._enrolment(
            activity_id, student_id, fields, int(rank) if int(rank) >= 0 else None
        )
        return EnrolOutcome(enrolment, created=outcome == "created")

    async def waitlist_head(self, activity_id: str) -> str:
        head: Any = await self.redis.zrange(keys.waitlist(activity_id), 0, 0)
        return as_text(head[0]) if head else ""

    async def cancel_enrolment(
        self,
        current: Enrolment,
        expected_head: str,
        now_ms: int,
        cancelled_event: OutgoingEvent,
        promoted_event: OutgoingEvent | None,
    ) -> str | None:
        """Cancel; returns the promoted student ('' for none), or None when the state moved
        on since it was read and the caller must read again and retry."""
        activity_id, student_id = current.activity_id, current.student_id
        result = await self._cancel(
            activity=keys.activity(activity_id),
            enrolment=keys.enrolment(activity_id, student_id),
            confirmed=keys.confirmed(activity_id),
            waitlist=keys.waitlist(activity_id),
            head_enrolment=keys.enrolment(activity_id, expected_head or student_id),
            outbox=keys.OUTBOX,
            student_enrolments=keys.student_enrolments(student_id),
            head_enrolments=keys.student_enrolments(expected_head or student_id),
            student_id=student_id,
            activity_id=activity_id,
            expected_status=NAME_BY_STATUS[current.status],
            expected_head=expected_head,
            now_ms=now_ms,
            cancelled_event=cancelled_event,
            promoted_event=promoted_event,
        )
        outcome = as_text(result[0])
        if outcome == "not_enrolled":
            raise NotFound(f"student {student_id} is not enrolled in {activity_id}")
        if outcome == "retry":
            return None
        return as_text(result[1])

    async def promote_head(
        self, activity_id: str, head: str, now_ms: int, promoted_event: OutgoingEvent
    ) -> str:
        """Move ``head`` from the waitlist to a free seat: 'promoted', 'full' or 'retry'."""
        result = await self._promote(
            activity=keys.activity(activity_id),
            confirmed=keys.confirmed(activity_id),
            waitlist=keys.waitlist(activity_id),
            head_enrolment=keys.enrolment(activity_id, head),
            head_enrolments=keys.student_enrolments(head),
            outbox=keys.OUTBOX,
            activity_id=activity_id,
            expected_head=head,
            now_ms=now_ms,
            promoted_event=promoted_event,
        )
        return as_text(result[0])

    async def erase_enrolment(  # noqa: PLR0917
        self,
        activity_id: str,
        student_id: str,
        current: Enrolment | None,
        expected_head: str,
        now_ms: int,
        erased_event: OutgoingEvent,
        promoted_event: OutgoingEvent | None,
    ) -> str | None:
        """Erase the student's enrolment (``current``, as read) in the activity; returns the
        promoted student ('' for none), or None when the state moved on and the caller must
        read again and retry."""
        result = await self._erase_enrolment(
            activity=keys.activity(activity_id),
            enrolment=keys.enrolment(activity_id, student_id),
            confirmed=keys.confirmed(activity_id),
            waitlist=keys.waitlist(activity_id),
            enrolments=keys.enrolments(activity_id),
            head_enrolment=keys.enrolment(activity_id, expected_head or student_id),
            head_enrolments=keys.student_enrolments(expected_head or student_id),
            student_enrolments=keys.student_enrolments(student_id),
            student_activities=keys.student_activities(student_id),
            outbox=keys.OUTBOX,
            student_id=student_id,
            activity_id=activity_id,
            expected_status=NAME_BY_STATUS[current.status] if current is not None else "",
            expected_head=expected_head,
            now_ms=now_ms,
            erased_event=erased_event,
            promoted_event=promoted_event,
        )
        if as_text(result[0]) == "retry":
            return None
        return as_text(result[1])

    async def mark_attendance(
        self, marked: Enrolment, expected_updated_ms: int, event: OutgoingEvent
    ) -> str:
        """Record ``marked.attended`` at ``marked.attendance_marked_at`` (read as
        ``expected_updated_ms``): 'marked', 'unchanged', or 'retry' when the place changed
        since it was read. Raises what a person can act on."""
        activity_id, student_id = marked.activity_id, marked.student_id
        now_ms = marked.attendance_marked_at.ToMilliseconds()
        result = await self._mark_attendance(
            activity=keys.activity(activity_id),
            enrolment=keys.enrolment(activity_id, student_id),
            outbox=keys.OUTBOX,
            now_ms=now_ms,
            now_s=now_ms // 1000,
            attended="1" if marked.attended else "0",
            expected_updated_ms=expected_updated_ms,
            published_state=int(PUBLISHED),
            completed_state=int(COMPLETED),
            marked_event=event,
        )
        outcome = as_text(result[0])
        if outcome == "not_found":
            raise NotFound(f"activity {activity_id} not found")
        if outcome == "not_enrolled":
            raise NotFound(f"student {student_id} is not enrolled in {activity_id}")
        if outcome == "not_open":
            raise FailedPrecondition(ATTENDANCE_NOT_OPEN)
        if outcome == "not_started":
            raise FailedPrecondition(ATTENDANCE_TOO_EARLY)
        if outcome == "not_confirmed":
            raise FailedPrecondition(attendance_without_place(student_id, as_text(result[1])))
        return outcome

    async def student_places(
        self, student_id: str, statuses: Iterable[EnrolmentStatus.ValueType], after: str, limit: int
    ) -> list[tuple[str, tuple[Enrolment, Activity] | None]]:
        """The first ``limit`` of the student's enrolments in ``statuses`` made after the
        place key ``after`` ('' from the first), in the order they were made: each place key
        (``<created_ms>:<activity_id>``) with the enrolment and its activity (seats filled
        in), or None for one that changed status since the index was read."""
        index = keys.student_enrolments(student_id)
        wanted = [NAME_BY_STATUS[status] for status in statuses]
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in wanted:
                lower = f"({name}:{after}" if after else f"[{name}:"
                pipe.zrangebylex(index, lower, f"({name};", start=0, num=limit)
            ranges = await pipe.execute()
        found = sorted(
            (as_text(member).partition(":")[2], status)
            for status, members in zip(wanted, ranges, strict=True)
            for member in members
        )[:limit]
        async with self.redis.pipeline(transaction=False) as pipe:
            for place, _ in found:
                activity_id = place.rpartition(":")[2]
                pipe.hgetall(keys.enrolment(activity_id, student_id))
                pipe.zrank(keys.waitlist(activity_id), student_id)
                pipe.hget(keys.activity(activity_id), "proto")
                pipe.scard(keys.confirmed(activity_id))
                pipe.zcard(keys.waitlist(activity_id))
            replies = await pipe.execute()
        places: list[tuple[str, tuple[Enrolment, Activity] | None]] = []
        for number, (place, status) in enumerate(found):
            fields, rank, raw, confirmed, waitlisted = replies[5 * number : 5 * number + 5]
            if not fields or raw is None or as_text(fields[b"status"]) != status:
                places.append((place, None))
                continue
            activity_id = place.rpartition(":")[2]
            enrolment = self._enrolment(activity_id, student_id, fields, rank)
            activity = self._with_seats(Activity.FromString(raw), confirmed, waitlisted)
            places.append((place, (enrolment, activity)))
        return places

    async def index_earlier_enrolments(self) -> int:
        """Put the enrolments made before the index of a student's enrolments existed into
        it, once; returns how many were indexed (0 when done before)."""
        if await self.redis.exists(keys.ENROLMENTS_INDEXED):
            return 0
        indexed = 0
        async for key in self.redis.scan_iter(match=keys.ENROLMENT_PATTERN, count=1000):
            activity_id, student_id = keys.enrolment_of(as_text(key))
            indexed += int(
                await self._index_enrolment(
                    enrolment=keys.enrolment(activity_id, student_id),
                    student_enrolments=keys.student_enrolments(student_id),
                    activity_id=activity_id,
                )
            )
        await self.redis.set(keys.ENROLMENTS_INDEXED, "1")
        return indexed

    async def activities_of(self, student_id: str) -> set[str]:
        """The activities the student has an enrolment in (cancelled ones too).

        Enrolments made before the index of a student's enrolments existed are found in the
        index that came before it and by scanning the enrolment keys: erasure is rare, and
        must miss none.
        """
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrange(keys.student_enrolments(student_id), 0, -1)
            pipe.smembers(keys.student_activities(student_id))
            indexed, earlier = await pipe.execute()
        found = {as_text(m).rpartition(":")[2] for m in indexed}
        found |= {as_text(m) for m in earlier}
        async for key in self.redis.scan_iter(match=keys.ENROLMENT_PATTERN, count=1000):
            activity_id, owner = keys.enrolment_of(as_text(key))
            if owner == student_id:
                found.add(activity_id)
        return found

    async def record_message(self, student_id: str, sequence: int) -> bool:
        """Remembers that CATALOGUE message ``sequence`` names the student; False when the
        student is erased already (the caller deletes the message instead)."""
        result = await self._record_message(
            tombstone=keys.tombstone(student_id),
            messages=keys.student_messages(student_id),
            sequence=sequence,
        )
        return int(result) == 1

    async def messages_of(self, student_id: str) -> list[int]:
        members: Any = await self.redis.smembers(keys.student_messages(student_id))
        return sorted(int(m) for m in members)

    async def forget_messages(self, student_id: str, sequences: list[int]) -> None:
        if sequences:
            await self.redis.srem(keys.student_messages(student_id), *sequences)

    async def list_enrolments(
        self, activity_id: str, after_seq: int, limit: int
    ) -> list[tuple[int, Enrolment]]:
        entries: Any = await self.redis.zrangebyscore(
            keys.enrolments(activity_id),
            f"({after_seq}",
            "+inf",
            start=0,
            num=limit,
            withscores=True,
        )
        if not entries:
            return []
        students = [as_text(member) for member, _ in entries]
        async with self.redis.pipeline(transaction=False) as pipe:
            for student in students:
                pipe.hgetall(keys.enrolment(activity_id, student))
                pipe.zrank(keys.waitlist(activity_id), student)
            replies = await pipe.execute()
        return [
            (int(score), self._enrolment(activity_id, student, replies[2 * i], replies[2 * i + 1]))
            for i, ((_, score), student) in enumerate(zip(entries, students, strict=True))
            if replies[2 * i]
        ]
