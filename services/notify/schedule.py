"""The delivery schedule in Redis: every pending message, reminder and digest, claimed
atomically by one replica at a time.

* A :class:`Change` is applied in ONE script: the message's dedupe claim on its natural key,
  the weekly budget, the jobs to add or remove and the digest items to keep or drop. Either
  all of it happens or none, so a crash can neither lose a claimed message nor send one twice
  from a redelivered event.
* :meth:`Schedule.claim_due` hands each due job to exactly one caller and pushes its due time
  to the end of a lease: if that replica dies, the job comes due again for another one.
* A job is removed only if it is still the version that was claimed, so a reminder moved
  while it was being handled is not lost.

The schedule is one sorted set and one hash (``services.notify.keys``); the scripts also touch
the student's keys, so notify needs a single Redis primary (not Redis Cluster).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Final

from redis.asyncio import Redis

from services.notify import keys
from services.notify.jobs import Job, decode_job, encode_job
from services.runtime.redis_values import as_text
from services.runtime.scripts import Script

__all__ = ["Added", "Change", "ClaimedJob", "Outcome", "Schedule"]

log = logging.getLogger(__name__)

CLAIM_TTL_SECONDS: Final = 120 * 24 * 3600
"""How long a natural key stays claimed; longer than any activity is announced ahead."""
BUDGET_TTL_SECONDS: Final = 8 * 24 * 3600
PACKAGE: Final = "services.notify"
"""Where the scripts are: ``services/notify/lua/`` (``apply_change``, ``claim_due``)."""


class Outcome(IntEnum):
    """What :meth:`Schedule.apply` did."""

    DUPLICATE = 0
    """The natural key was already claimed: nothing changed."""
    APPLIED = 1
    OVER_BUDGET = -1
    """The week's budget was used up: nothing was scheduled, the key is claimed as skipped."""
    ERASED = -2
    """The student is erased: nothing changed."""


@dataclass(frozen=True, slots=True)
class Added:
    job: Job
    due: datetime
    keep_existing: bool = False
    """Leave a job already scheduled under the same id as it is (a digest timer)."""


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job handed to this replica, with the exact encoding that was claimed."""

    job: Job
    encoded: str


@dataclass(slots=True)
class Change:
    """Everything one decision changes for one student, applied atomically."""

    student_id: str
    natural_key: str = ""
    """Claimed once: a second change with the same key is a :attr:`Outcome.DUPLICATE`."""
    budget_week: str = ""
    budget: int = -1
    """Suggestions left this week are ``budget`` minus those used; -1 uses no budget."""
    add: list[Added] = field(default_factory=list)
    remove: list[tuple[str, str]] = field(default_factory=list)
    """(job id, the encoding claimed, or "" to remove whatever is there)."""
    digest_set: dict[str, str] = field(default_factory=dict)
    digest_delete: list[str] = field(default_factory=list)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class Schedule:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._apply = Script(redis, PACKAGE, "apply_change")
        self._claim_due = Script(redis, PACKAGE, "claim_due")

    async def apply(self, change: Change) -> Outcome:
        student = change.student_id
        adds = []
        for added in change.add:
            due = _ms(added.due)
            payload = encode_job(replace(added.job, due_ms=due))
            adds.append(
                {
                    "id": added.job.job_id,
                    "due": due,
                    "payload": payload,
                    "keep": added.keep_existing,
                }
            )
        result = await self._apply(
            claim=keys.claim(student, change.natural_key or "-"),
            student_index=keys.student_index(student),
            schedule=keys.schedule(),
            jobs=keys.jobs(),
            student_jobs=keys.student_jobs(student),
            budget=keys.weekly_budget(student, change.budget_week or "-"),
            digest=keys.digest(student),
            tombstone=keys.tombstone(student),
            has_claim=bool(change.natural_key),
            claim_ttl=CLAIM_TTL_SECONDS,
            budget_limit=change.budget,
            budget_ttl=BUDGET_TTL_SECONDS,
            adds=adds,
            removes=[{"id": job_id, "expected": expected} for job_id, expected in change.remove],
            digest_sets=[
                {"field": name, "value": value} for name, value in change.digest_set.items()
            ],
            digest_deletes=[{"field": name} for name in change.digest_delete],
        )
        return Outcome(int(result))

    async def claim_due(self, now: datetime, lease_seconds: float, limit: int) -> list[ClaimedJob]:
        """Up to ``limit`` jobs due at ``now``, each leased to the caller for ``lease_seconds``."""
        now_ms = _ms(now)
        raw: Any = await self._claim_due(
            schedule=keys.schedule(),
            jobs=keys.jobs(),
            now_ms=now_ms,
            lease_end_ms=now_ms + int(lease_seconds * 1000),
            most=limit,
        )
        claimed, unreadable = [], []
        for job_id, payload in zip(raw[::2], raw[1::2], strict=True):
            encoded = as_text(payload)
            try:
                claimed.append(ClaimedJob(decode_job(encoded), encoded))
            except (ValueError, KeyError, TypeError):
                unreadable.append(as_text(job_id))
        if unreadable:
            # No version of this code can read them; they would come due after every lease.
            log.error("dropping unreadable jobs", extra={"jobs": unreadable})
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hdel(keys.jobs(), *unreadable)
                pipe.zrem(keys.schedule(), *unreadable)
                await pipe.execute()
        return claimed

    async def done(self, claimed: ClaimedJob) -> None:
        """Removes a handled job, unless it was rewritten after it was claimed."""
        await self.apply(
            Change(claimed.job.student_id, remove=[(claimed.job.job_id, claimed.encoded)])
        )

    async def cancel(self, student_id: str, job_ids: Sequence[str]) -> None:
        """Removes jobs whatever their version (a withdrawn reminder)."""
        if job_ids:
            await self.apply(Change(student_id, remove=[(j, "") for j in job_ids]))

    async def due_time(self, job_id: str) -> datetime | None:
        """When the job is due (for tests and status), None when it is not scheduled."""
        score: Any = await self.redis.zscore(keys.schedule(), job_id)
        return None if score is None else datetime.fromtimestamp(score / 1000, UTC)

    async def job(self, job_id: str) -> Job | None:
        raw: Any = await self.redis.hget(keys.jobs(), job_id)
        return None if raw is None else decode_job(raw)

    async def digest_items(self, student_id: str) -> dict[str, str]:
        raw: Any = await self.redis.hgetall(keys.digest(student_id))
        return {as_text(k): as_text(v) for k, v in raw.items()}

    async def pending_of(self, student_id: str) -> list[tuple[Job, int]]:
        """The student's jobs waiting in the schedule (deliveries, retries and timers), each
        with the time it was scheduled for (ms)."""
        members: Any = await self.redis.smembers(keys.student_jobs(student_id))
        ids = sorted(as_text(m) for m in members)
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(keys.jobs(), ids)
            pipe.zmscore(keys.schedule(), ids)
            raws, scores = await pipe.execute()
        pending = []
        for raw, score in zip(raws, scores, strict=True):
            if raw is None or score is None:
                continue  # removed since the set was read
            try:
                job = decode_job(raw)
            except (ValueError, KeyError, TypeError):
                continue  # dropped by the next claim (claim_due)
            pending.append((job, job.due_ms or int(score)))  # older jobs kept no due time
        return pending

    async def pending(self) -> int:
        """Jobs in the schedule, due or not."""
        return int(await self.redis.zcard(keys.schedule()))

    async def forget_student(self, student_id: str) -> int:
        """Removes every job of the student from the schedule; returns how many."""
        members: Any = await self.redis.smembers(keys.student_jobs(student_id))
        ids = [as_text(m) for m in members]
        if not ids:
            return 0
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(keys.jobs(), *ids)
            pipe.zrem(keys.schedule(), *ids)
            pipe.delete(keys.student_jobs(student_id))
            await pipe.execute()
        return len(ids)
