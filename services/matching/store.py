"""Profiles, feedback, suggestions and allocations in Redis (keys in services.matching.keys)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from services.matching import keys
from services.matching.allocation_blocks import (
    BlockIndex,
    StoredAllocation,
    blocks_of,
    page_of,
    without_student,
)
from services.runtime.erasure import erased_value
from services.runtime.events import OutgoingEvent
from services.runtime.outbox import entry_fields
from services.runtime.redis_values import as_text
from services.runtime.scripts import Script
from socialerasmus.matching.v1.matching_pb2 import (
    AllocateWeekResponse,
    Feedback,
    FeedbackKind,
    ListAllocationResponse,
    VolunteerProfile,
)

PACKAGE = "services.matching"
"""Where the scripts are: ``services/matching/lua/``."""
EXCLUDING_FEEDBACK = (FeedbackKind.FEEDBACK_KIND_DISMISSED, FeedbackKind.FEEDBACK_KIND_ENROLLED)
BUDGET_TTL_SECONDS = 8 * 24 * 3600
ALLOCATION_TTL_SECONDS = 30 * 24 * 3600
PROFILES_PER_READ = 5_000
WEEK_STUDENTS_PER_SCAN = 10_000
"""Members of a Week's set asked for per SSCAN: one SMEMBERS of hundreds of thousands would
hold up Redis for every other client meanwhile."""


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


class WeekTooLarge(Exception):
    """A Week edition with more students than an allocation takes."""

    def __init__(self, students: int) -> None:
        super().__init__(students)
        self.students = students


class MatchingStore:
    def __init__(self, redis: Redis, url: str = "") -> None:
        self.redis = redis
        self.url = url
        """Where another process reaches the same Redis (:class:`WeekProfilesAt`); empty when
        not known."""
        self._record_suggestion = Script(redis, PACKAGE, "record_suggestion")
        self._record_feedback = Script(redis, PACKAGE, "record_feedback")
        self._set_enrolled = Script(redis, PACKAGE, "set_enrolled")
        self._record_attendance = Script(redis, PACKAGE, "record_attendance")

    # Profiles -------------------------------------------------------------------------

    async def profile(self, student_id: str) -> VolunteerProfile | None:
        raw: Any = await self.redis.get(keys.profile(student_id))
        return VolunteerProfile.FromString(raw) if raw is not None else None

    async def profile_and_exclusions(
        self, student_id: str
    ) -> tuple[VolunteerProfile | None, set[str]]:
        """The profile and the excluded activities, in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(keys.profile(student_id))
            pipe.smembers(keys.excluded(student_id))
            raw, members = await pipe.execute()
        profile = VolunteerProfile.FromString(raw) if raw is not None else None
        return profile, {as_text(m) for m in members}

    async def profiles(self, student_ids: Sequence[str]) -> list[VolunteerProfile]:
        """The profiles of those students who have one, :data:`PROFILES_PER_READ` a command
        (a Week's hundreds of thousands in one would hold up Redis and this loop)."""
        found: list[VolunteerProfile] = []
        for profile_keys in _profile_reads(student_ids):
            found.extend(_parsed_profiles(await self.redis.mget(profile_keys)))
        return found

    async def save_profile(
        self, profile: VolunteerProfile, recreated: OutgoingEvent | None = None
    ) -> bool:
        """Store the profile as :meth:`save_profiles` does; returns whether the student's
        tombstone was lifted (and ``recreated``, announcing it, recorded with it)."""
        announcing = {} if recreated is None else {profile.student_id: recreated}
        return bool(await self.save_profiles([profile], announcing))

    async def save_profiles(
        self,
        profiles: Sequence[VolunteerProfile],
        recreated: Mapping[str, OutgoingEvent] | None = None,
    ) -> set[str]:
        """Store the profiles (of distinct students) and move each student between section
        and Week sets, in one transaction with the profiles they replace. A student erased
        before is erased no more: the tombstone goes, and the event announcing it
        (``recreated[student_id]``, when there is one) is recorded with it. Returns the
        students whose tombstone was lifted.

        Four round trips whatever the number of profiles: watch, read the profiles and the
        tombstones they replace, then write everything at once.
        """
        students = [profile.student_id for profile in profiles]
        profile_keys = [keys.profile(student) for student in students]
        tombstone_keys = [keys.tombstone(student) for student in students]
        lifted: set[str] = set()

        async def save(pipe: Pipeline) -> None:
            raws: Any = await pipe.mget(profile_keys)
            tombstones: Any = await pipe.mget(tombstone_keys)
            lifted.clear()
            pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
            for profile, raw, tombstone in zip(profiles, raws, tombstones, strict=True):
                student = profile.student_id
                if raw is not None:
                    previous = VolunteerProfile.FromString(raw)
                    pipe.srem(keys.section_students(previous.host_section_id), student)
                    for edition in previous.week_editions:
                        pipe.srem(keys.week_students(edition), student)
                pipe.set(keys.profile(student), profile.SerializeToString())
                if profile.suggestions_opt_in:
                    pipe.sadd(keys.section_students(profile.host_section_id), student)
                for edition in profile.week_editions:
                    pipe.sadd(keys.week_students(edition), student)
                event = (recreated or {}).get(student)
                if tombstone is not None and event is not None:
                    lifted.add(student)
                    pipe.delete(keys.tombstone(student))
                    pipe.xadd(keys.OUTBOX, entry_fields(event))  # type: ignore[arg-type]

        await self.redis.transaction(save, *profile_keys, *tombstone_keys)
        return lifted

    async def students_of_sections(self, section_ids: Iterable[str]) -> list[str]:
        members: Any = await self.redis.sunion([keys.section_students(s) for s in section_ids])
        return sorted(as_text(m) for m in members)

    async def week_student_count(self, edition: str) -> int:
        """Students opted in to a Week edition."""
        count: Any = await self.redis.scard(keys.week_students(edition))
        return int(count)

    def week_profiles_at(self, edition: str, most: int) -> WeekProfilesAt:
        """What reads the profiles of a Week edition's students in another process."""
        if not self.url:
            raise RuntimeError("the store was not given the address of its Redis")
        return WeekProfilesAt(self.url, edition, most)

    async def erase(self, student_id: str, event: OutgoingEvent) -> None:
        """Remove every trace of the student and set their tombstone, with the erasure event.

        One transaction over the profile and the list of feedback entries, so a profile
        saved or feedback recorded meanwhile is erased too; after it, the tombstone keeps
        feedback, suggestions and enrolments of the student out.
        """

        async def erase_all(pipe: Pipeline) -> None:
            raw: Any = await pipe.get(keys.profile(student_id))
            entry_ids: Any = await pipe.lrange(keys.feedback_entries(student_id), 0, -1)
            previous = VolunteerProfile.FromString(raw) if raw is not None else None
            pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
            if previous is not None:
                pipe.srem(keys.section_students(previous.host_section_id), student_id)
                for edition in previous.week_editions:
                    pipe.srem(keys.week_students(edition), student_id)
            if entry_ids:
                pipe.xdel(keys.FEEDBACK_LOG, *entry_ids)
            pipe.delete(*keys.student_keys(student_id))
            pipe.set(keys.tombstone(student_id), erased_value(event.event_id))
            pipe.xadd(keys.OUTBOX, entry_fields(event))  # type: ignore[arg-type]

        await self.redis.transaction(
            erase_all, keys.profile(student_id), keys.feedback_entries(student_id)
        )
        async for key in self.redis.scan_iter(match=keys.weekly_budget(student_id, "*")):
            await self.redis.delete(key)
        await self._forget_in_allocations(student_id)

    async def _forget_in_allocations(self, student_id: str) -> None:
        """Takes the student's places, or their reason for having none, out of the Week
        allocations kept for platforms: only the blocks that hold them are read and
        rewritten."""
        async for key in self.redis.scan_iter(match=keys.ALLOCATION_BLOCKS_PATTERN):

            async def rewrite_blocks(pipe: Pipeline, key: Any = key) -> None:
                raw: Any = await pipe.hget(key, keys.ALLOCATION_INDEX_FIELD)
                if raw is None:
                    return
                index = BlockIndex.from_bytes(raw)
                names = [block.name for block in index.holding(student_id)]
                if not names:
                    return
                raws: Any = await pipe.hmget(key, names)
                kept, changed = without_student(
                    index, {n: r for n, r in zip(names, raws, strict=True) if r}, student_id
                )
                if not changed:
                    return
                pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
                fields: dict[Any, Any] = {keys.ALLOCATION_INDEX_FIELD: kept.to_bytes()}
                fields.update((n, block) for n, block in changed.items() if block is not None)
                pipe.hset(key, mapping=fields)
                emptied = [n for n, block in changed.items() if block is None]
                if emptied:
                    pipe.hdel(key, *emptied)

            await self.redis.transaction(rewrite_blocks, key)
        async for key in self.redis.scan_iter(match=keys.ALLOCATION_PATTERN):

            async def rewrite(pipe: Pipeline, key: Any = key) -> None:
                raw: Any = await pipe.get(key)
                if raw is None:
                    return
                allocation = AllocateWeekResponse.FromString(raw)
                kept = [a for a in allocation.assignments if a.student_id != student_id]
                unplaced = [u for u in allocation.unplaced_students if u.student_id != student_id]
                if len(kept) == len(allocation.assignments) and len(unplaced) == len(
                    allocation.unplaced_students
                ):
                    return
                del allocation.assignments[:]
                allocation.assignments.extend(kept)
                allocation.assignments_total = len(kept)
                del allocation.unplaced_students[:]
                allocation.unplaced_students.extend(unplaced)
                pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
                pipe.set(key, allocation.SerializeToString(), keepttl=True)

            await self.redis.transaction(rewrite, key)

    # Feedback and exclusions ----------------------------------------------------------

    async def record_feedback(self, feedback: Feedback) -> bool:
        """Record the feedback; False (nothing written) when the student is erased."""
        return not await self.record_feedback_batch([feedback])

    async def record_feedback_batch(self, items: Sequence[Feedback]) -> list[int]:
        """Record every feedback event, in order, in one Lua call; when any names an erased
        student nothing is written and the positions (0-based) of those items come back."""
        erased: Any = await self._record_feedback(
            feedback_log=keys.FEEDBACK_LOG,
            items=[
                {
                    "entries": keys.feedback_entries(feedback.student_id),
                    "excluded": keys.excluded(feedback.student_id),
                    "tombstone": keys.tombstone(feedback.student_id),
                    "excludes": feedback.kind in EXCLUDING_FEEDBACK,
                    "student_id": feedback.student_id,
                    "activity_id": feedback.activity_id,
                    "kind": str(int(feedback.kind)),
                    "rating": str(feedback.rating),
                    "at_ms": str(feedback.occurred_at.ToMilliseconds()),
                }
                for feedback in items
            ],
        )
        return [int(number) - 1 for number in erased]

    async def feedback_log(self, count: int = 1_000_000, page: int = 2_000) -> list[dict[str, str]]:
        """The oldest ``count`` entries, read ``page`` at a time so that requests are
        served between pages."""
        rows: list[dict[str, str]] = []
        after = "-"
        while len(rows) < count:
            entries: Any = await self.redis.xrange(
                keys.FEEDBACK_LOG, min=after, count=min(page, count - len(rows))
            )
            rows.extend(_feedback_rows(entries))
            if len(entries) < page:
                break
            after = f"({as_text(entries[-1][0])}"
        return rows

    async def feedback_count(self) -> int:
        """Entries in the feedback log."""
        count: Any = await self.redis.xlen(keys.FEEDBACK_LOG)
        return int(count)

    async def excluded(self, student_id: str) -> set[str]:
        members: Any = await self.redis.smembers(keys.excluded(student_id))
        return {as_text(m) for m in members}

    async def set_enrolled(self, student_id: str, activity_id: str, enrolled: bool) -> None:
        """Enrolled students are not offered the same activity again; a cancellation
        makes it suggestible again (unless they dismissed it)."""
        await self._set_enrolled(
            excluded=keys.excluded(student_id),
            tombstone=keys.tombstone(student_id),
            activity_id=activity_id,
            enrolled=enrolled,
        )

    async def record_attendance(
        self, student_id: str, activity_id: str, attended: bool, marked_ms: int
    ) -> str:
        """Take an attendance mark of the catalogue as feedback: a student marked present has
        one ATTENDED entry per activity, withdrawn if they are marked absent later. Returns
        'recorded', 'withdrawn', 'unchanged' (the same or an older mark) or 'erased'."""
        outcome = await self._record_attendance(
            feedback_log=keys.FEEDBACK_LOG,
            entries=keys.feedback_entries(student_id),
            attendance=keys.attendance(student_id),
            tombstone=keys.tombstone(student_id),
            student_id=student_id,
            activity_id=activity_id,
            attended="1" if attended else "0",
            marked_ms=marked_ms,
            kind=int(FeedbackKind.FEEDBACK_KIND_ATTENDED),
        )
        return as_text(outcome)

    # Reverse matching and allocation ---------------------------------------------------

    async def record_suggestion(
        self, student_id: str, activity_id: str, week: str, budget: int, event: OutgoingEvent
    ) -> str:
        """'created', or 'duplicate' / 'over_budget' / 'erased' when nothing was written."""
        result = await self._record_suggestion(
            suggested=keys.suggested(student_id),
            budget_counter=keys.weekly_budget(student_id, week),
            outbox=keys.OUTBOX,
            tombstone=keys.tombstone(student_id),
            activity_id=activity_id,
            budget=budget,
            counter_ttl_seconds=BUDGET_TTL_SECONDS,
            event=event,
        )
        return as_text(result)

    async def allocation_page(
        self, allocation_id: str, offset: int, size: int
    ) -> ListAllocationResponse | None:
        """Entries ``[offset, offset + size)`` of a stored Week allocation (its assignments,
        then its unplaced students), reading only the blocks they are in; None when there is
        no such allocation. Raises :class:`PastTheEnd` for an offset past its last entry."""

        async def read(pipe: Pipeline) -> tuple[BlockIndex, dict[str, bytes]] | None:
            key = keys.allocation_blocks(allocation_id)
            raw: Any = await pipe.hget(key, keys.ALLOCATION_INDEX_FIELD)
            if raw is None:
                return None
            index = BlockIndex.from_bytes(raw)
            if offset > index.total:
                return index, {}  # past the end: no block to read
            names = [block.name for block, _ in index.spanning(offset, offset + size)]
            raws: Any = await pipe.hmget(key, names) if names else []
            return index, dict(zip(names, raws, strict=True))

        # Watched, so that an erasure between the index and its blocks is read again.
        found: Any = await self.redis.transaction(
            read, keys.allocation_blocks(allocation_id), value_from_callable=True
        )
        if found is None:
            whole: Any = await self.redis.get(keys.allocation(allocation_id))
            if whole is None:
                return None
            stored = blocks_of(AllocateWeekResponse.FromString(whole))
            found = stored.index, stored.blocks
        index, raws = found
        if offset > index.total:
            raise PastTheEnd(offset)
        return page_of(index, raws, offset, size)

    async def save_allocation(
        self, allocation_id: str, allocation: StoredAllocation, event: OutgoingEvent
    ) -> None:
        """Stores the allocation in blocks (built by the caller: a network-wide Week's take
        tens of milliseconds to serialise, better done elsewhere than on the serving loop),
        with its event."""
        key = keys.allocation_blocks(allocation_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            fields: dict[Any, Any] = {keys.ALLOCATION_INDEX_FIELD: allocation.index.to_bytes()}
            pipe.hset(key, mapping=fields | allocation.blocks)
            pipe.expire(key, ALLOCATION_TTL_SECONDS)
            pipe.xadd(keys.OUTBOX, entry_fields(event))  # type: ignore[arg-type]
            await pipe.execute()


class PastTheEnd(Exception):
    """A page asked for past the last entry of an allocation."""


def _feedback_rows(entries: Any) -> list[dict[str, str]]:
    return [{as_text(k): as_text(v) for k, v in fields.items()} for _, fields in entries if fields]


@dataclass(frozen=True, slots=True)
class FeedbackLogAt:
    """The feedback log of the Redis at ``url``, read when called, with a client of its
    own: how a worker process reads the log itself rather than receive it from the serving
    process (whose interpreter would be busy sending it)."""

    url: str
    page: int = 10_000

    def __call__(self) -> list[dict[str, str]]:
        client = SyncRedis.from_url(self.url)
        rows: list[dict[str, str]] = []
        after = "-"
        try:
            while True:
                entries: Any = client.xrange(keys.FEEDBACK_LOG, min=after, count=self.page)
                rows.extend(_feedback_rows(entries))
                if len(entries) < self.page:
                    return rows
                after = f"({as_text(entries[-1][0])}"
        finally:
            client.close()


@dataclass(frozen=True, slots=True)
class WeekProfilesAt:
    """The profiles of a Week edition's students in the Redis at ``url`` (sorted by student
    id; students whose profile is gone meanwhile left out), read with a client of its own:
    how the allocation's worker process reads them itself. Parsing hundreds of thousands of
    profiles takes seconds, which the serving process would spend on its loop.

    Raises :class:`WeekTooLarge` when the edition has more than ``most`` students.
    """

    url: str
    edition: str
    most: int

    def serialised(self) -> list[bytes]:
        """The profiles as stored, serialised ``VolunteerProfile`` messages: the processes
        finding the candidates parse them, each its share."""
        client = SyncRedis.from_url(self.url)
        try:
            members: set[str] = set()  # a scan may return a member twice
            for member in client.sscan_iter(
                keys.week_students(self.edition), count=WEEK_STUDENTS_PER_SCAN
            ):
                members.add(as_text(member))
                if len(members) > self.most:
                    raise WeekTooLarge(int(client.scard(keys.week_students(self.edition))))
            found: list[bytes] = []
            for profile_keys in _profile_reads(sorted(members)):
                raws: Any = client.mget(profile_keys)  # bytes: the client does not decode
                found.extend(raw for raw in raws if raw is not None)
            return found
        finally:
            client.close()


def _profile_reads(student_ids: Sequence[str]) -> Iterator[list[str]]:
    """The profile keys of ``student_ids``, :data:`PROFILES_PER_READ` per command: a Week's
    hundreds of thousands in one would hold up Redis, and its reader."""
    for first in range(0, len(student_ids), PROFILES_PER_READ):
        yield [keys.profile(s) for s in student_ids[first : first + PROFILES_PER_READ]]


def _parsed_profiles(raws: Any) -> Iterator[VolunteerProfile]:
    """The profiles of an MGET's replies, leaving out the students who have none."""
    return (VolunteerProfile.FromString(raw) for raw in raws if raw is not None)
