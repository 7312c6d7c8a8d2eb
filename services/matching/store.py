"""Profiles, feedback, suggestions and allocations in Redis (keys in services.matching.keys)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from importlib import resources
from typing import Any

from redis.asyncio import Redis

from services.matching import keys
from services.runtime.events import OutgoingEvent
from services.runtime.outbox import entry_fields, event_args
from services.runtime.redis_values import as_text
from socialerasmus.matching.v1.matching_pb2 import (
    AllocateWeekResponse,
    Feedback,
    FeedbackKind,
    VolunteerProfile,
)

EXCLUDING_FEEDBACK = (FeedbackKind.FEEDBACK_KIND_DISMISSED, FeedbackKind.FEEDBACK_KIND_ENROLLED)
BUDGET_TTL_SECONDS = 8 * 24 * 3600
ALLOCATION_TTL_SECONDS = 30 * 24 * 3600


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


class MatchingStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        source = resources.files("services.matching").joinpath("lua", "record_suggestion.lua")
        self._record_suggestion = redis.register_script(source.read_text())

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
        if not student_ids:
            return []
        raws: Any = await self.redis.mget([keys.profile(s) for s in student_ids])
        return [VolunteerProfile.FromString(raw) for raw in raws if raw is not None]

    async def save_profile(
        self, profile: VolunteerProfile, previous: VolunteerProfile | None
    ) -> None:
        """Store the profile and move the student between section and Week sets."""
        student = profile.student_id
        async with self.redis.pipeline(transaction=True) as pipe:
            if previous is not None:
                pipe.srem(keys.section_students(previous.host_section_id), student)
                for edition in previous.week_editions:
                    pipe.srem(keys.week_students(edition), student)
            pipe.set(keys.profile(student), profile.SerializeToString())
            if profile.suggestions_opt_in:
                pipe.sadd(keys.section_students(profile.host_section_id), student)
            for edition in profile.week_editions:
                pipe.sadd(keys.week_students(edition), student)
            await pipe.execute()

    async def students_of_sections(self, section_ids: Iterable[str]) -> list[str]:
        members: Any = await self.redis.sunion([keys.section_students(s) for s in section_ids])
        return sorted(as_text(m) for m in members)

    async def week_students(self, edition: str) -> list[str]:
        members: Any = await self.redis.smembers(keys.week_students(edition))
        return sorted(as_text(m) for m in members)

    async def erase(self, student_id: str, event: OutgoingEvent) -> None:
        """Remove every trace of the student, and record the erasure event with it."""
        previous = await self.profile(student_id)
        entry_ids: Any = await self.redis.lrange(keys.feedback_entries(student_id), 0, -1)
        async with self.redis.pipeline(transaction=True) as pipe:
            if previous is not None:
                pipe.srem(keys.section_students(previous.host_section_id), student_id)
                for edition in previous.week_editions:
                    pipe.srem(keys.week_students(edition), student_id)
            if entry_ids:
                pipe.xdel(keys.FEEDBACK_LOG, *entry_ids)
            pipe.delete(*keys.student_keys(student_id))
            pipe.xadd(keys.OUTBOX, entry_fields(event))  # type: ignore[arg-type]
            await pipe.execute()
        async for key in self.redis.scan_iter(match=keys.weekly_budget(student_id, "*")):
            await self.redis.delete(key)

    # Feedback and exclusions ----------------------------------------------------------

    async def record_feedback(self, feedback: Feedback) -> None:
        student = feedback.student_id
        fields = {
            "student_id": student,
            "activity_id": feedback.activity_id,
            "kind": str(int(feedback.kind)),
            "rating": str(feedback.rating),
            "at_ms": str(feedback.occurred_at.ToMilliseconds()),
        }
        entry_id = await self.redis.xadd(keys.FEEDBACK_LOG, fields)  # type: ignore[arg-type]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(keys.feedback_entries(student), entry_id)
            if feedback.kind in EXCLUDING_FEEDBACK:
                pipe.sadd(keys.excluded(student), feedback.activity_id)
            await pipe.execute()

    async def feedback_log(self, count: int = 1_000_000) -> list[dict[str, str]]:
        entries: Any = await self.redis.xrange(keys.FEEDBACK_LOG, count=count)
        return [
            {as_text(k): as_text(v) for k, v in fields.items()} for _, fields in entries if fields
        ]

    async def excluded(self, student_id: str) -> set[str]:
        members: Any = await self.redis.smembers(keys.excluded(student_id))
        return {as_text(m) for m in members}

    async def set_enrolled(self, student_id: str, activity_id: str, enrolled: bool) -> None:
        """Enrolled students are not offered the same activity again; a cancellation
        makes it suggestible again (unless they dismissed it)."""
        if enrolled:
            await self.redis.sadd(keys.excluded(student_id), activity_id)
        else:
            await self.redis.srem(keys.excluded(student_id), activity_id)

    # Reverse matching and allocation ---------------------------------------------------

    async def record_suggestion(
        self, student_id: str, activity_id: str, week: str, budget: int, event: OutgoingEvent
    ) -> str:
        """'created', or 'duplicate' / 'over_budget' when nothing was written."""
        result = await self._record_suggestion(
            keys=[
                keys.suggested(student_id),
                keys.weekly_budget(student_id, week),
                keys.OUTBOX,
            ],
            args=[activity_id, budget, BUDGET_TTL_SECONDS, *event_args(event)],
        )
        return as_text(result)

    async def save_allocation(self, result: AllocateWeekResponse, event: OutgoingEvent) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(
                keys.allocation(result.allocation_id),
                result.SerializeToString(),
                ex=ALLOCATION_TTL_SECONDS,
            )
            pipe.xadd(keys.OUTBOX, entry_fields(event))  # type: ignore[arg-type]
            await pipe.execute()
