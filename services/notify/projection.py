"""Notify's own view of the catalogue, kept from its events: the latest version of each
activity and who is enrolled in it.

Enrolment events carry no activity facts, and an activity's cancellation goes to everyone
enrolled, so notify remembers both instead of calling the catalogue while handling events.
Writes are idempotent: an older version of an activity never replaces a newer one, and a
redelivered enrolment event sets the same status again.
"""

from __future__ import annotations

from datetime import UTC
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from services.notify import keys
from services.notify.messages import ActivityFacts
from services.runtime.redis_values import as_text
from services.runtime.scripts import Script
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity

__all__ = ["ActivityProjection", "Attendance", "activity_link", "facts_of"]

PACKAGE = "services.notify"
"""Where the scripts are: ``services/notify/lua/`` (``save_activity``, ``attend``)."""


class Attendance(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


def activity_link(url_template: str, activity_id: str) -> str:
    """The activity's page: ``url_template`` with ``{activity_id}`` filled in, or ""."""
    return url_template.format(activity_id=activity_id) if url_template else ""


def facts_of(activity: Activity, url_template: str = "") -> ActivityFacts:
    """The facts a message shows; ``url_template`` may contain ``{activity_id}``."""
    details = activity.details
    starts_at = details.starts_at.ToDatetime(tzinfo=UTC)
    ends_at = details.ends_at.ToDatetime(tzinfo=UTC) if details.HasField("ends_at") else starts_at
    return ActivityFacts(
        activity_id=activity.id,
        title=details.title,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=details.time_zone,
        city=details.location.city,
        country_code=details.location.country_code,
        online=details.location.online,
        causes=tuple(int(c) for c in details.causes),
        venue=details.location.venue,
        url=activity_link(url_template, activity.id),
    )


class ActivityProjection:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._save = Script(redis, PACKAGE, "save_activity")
        self._attend = Script(redis, PACKAGE, "attend")

    async def save(self, activity: Activity) -> bool:
        """Stores ``activity`` unless a newer version is stored; True when stored."""
        result = await self._save(
            activity=keys.activity(activity.id),
            version=activity.version,
            data=activity.SerializeToString(),
        )
        return int(result) == 1

    async def activity(self, activity_id: str) -> Activity | None:
        raw: Any = await self.redis.hget(keys.activity(activity_id), "data")
        return None if raw is None else Activity.FromString(raw)

    async def attend(self, activity_id: str, student_id: str, status: Attendance) -> bool:
        """Records the student as enrolled; False (nothing written) when they are erased."""
        result = await self._attend(
            enrolled=keys.enrolled(activity_id),
            student_activities=keys.student_activities(student_id),
            student_index=keys.student_index(student_id),
            tombstone=keys.tombstone(student_id),
            student_id=student_id,
            status=status.value,
            activity_id=activity_id,
        )
        return int(result) == 1

    async def leave(self, activity_id: str, student_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(keys.enrolled(activity_id), student_id)
            pipe.srem(keys.student_activities(student_id), activity_id)
            await pipe.execute()

    async def attendees(self, activity_id: str) -> dict[str, Attendance]:
        raw: Any = await self.redis.hgetall(keys.enrolled(activity_id))
        return {as_text(s): Attendance(as_text(v)) for s, v in raw.items()}

    async def forget_student(self, student_id: str) -> None:
        """Takes the student off every activity's list (their own keys go with the store's
        erasure)."""
        raw: Any = await self.redis.smembers(keys.student_activities(student_id))
        if not raw:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for activity_id in raw:
                pipe.hdel(keys.enrolled(as_text(activity_id)), student_id)
            await pipe.execute()
