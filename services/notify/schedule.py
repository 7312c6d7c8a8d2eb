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

__all__ = ["Added", "Change", "ClaimedJob", "Outcome", "Schedule"]

log = logging.getLogger(__name__)

CLAIM_TTL_SECONDS: Final = 120 * 24 * 3600
"""How long a natural key stays claimed; longer than any activity is announced ahead."""
BUDGET_TTL_SECONDS: Final = 8 * 24 * 3600

# KEYS: claim, student index, schedule, jobs, student jobs, budget, digest, tombstone.
# ARGV: has claim, claim ttl, budget (-1: none), budget ttl, #adds, #removes, #digest sets,
#       #digest deletes, then adds (id, due ms, payload, keep existing), removes (id,
#       expected payload or ''), digest sets (field, value), digest deletes (field).
# A change that would write about an erased student is refused whole (-2); removals alone
# are always applied.
_APPLY = """
local has_claim = ARGV[1] == '1'
if (has_claim or ARGV[5] ~= '0' or ARGV[7] ~= '0')
    and string.sub(redis.call('GET', KEYS[8]) or '', 1, 6) == 'erased' then
  return -2
end
if has_claim and redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local budget = tonumber(ARGV[3])
if budget >= 0 then
  local used = tonumber(redis.call('GET', KEYS[6]) or '0')
  if used >= budget then
    if has_claim then
      redis.call('SET', KEYS[1], 'over budget', 'EX', ARGV[2])
      redis.call('SADD', KEYS[2], KEYS[1])
    end
    return -1
  end
  redis.call('INCR', KEYS[6])
  redis.call('EXPIRE', KEYS[6], ARGV[4])
  redis.call('SADD', KEYS[2], KEYS[6])
end
if has_claim then
  redis.call('SET', KEYS[1], 'queued', 'EX', ARGV[2])
  redis.call('SADD', KEYS[2], KEYS[1])
end
local i = 9
local adds, removes = tonumber(ARGV[5]), tonumber(ARGV[6])
local digest_sets, digest_deletes = tonumber(ARGV[7]), tonumber(ARGV[8])
for _ = 1, adds do
  local id, due, payload, keep = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  if keep ~= '1' or redis.call('HEXISTS', KEYS[4], id) == 0 then
    redis.call('HSET', KEYS[4], id, payload)
    redis.call('ZADD', KEYS[3], due, id)
    redis.call('SADD', KEYS[5], id)
  end
end
for _ = 1, removes do
  local id, expected = ARGV[i], ARGV[i + 1]
  i = i + 2
  if expected == '' or redis.call('HGET', KEYS[4], id) == expected then
    redis.call('HDEL', KEYS[4], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('SREM', KEYS[5], id)
  end
end
for _ = 1, digest_sets do
  redis.call('HSET', KEYS[7], ARGV[i], ARGV[i + 1])
  i = i + 2
end
for _ = 1, digest_deletes do
  redis.call('HDEL', KEYS[7], ARGV[i])
  i = i + 1
end
if adds > 0 then
  redis.call('SADD', KEYS[2], KEYS[5])
end
if digest_sets > 0 then
  redis.call('SADD', KEYS[2], KEYS[7])
end
return 1
"""

# KEYS: schedule, jobs. ARGV: now ms, lease end ms, most jobs. Returns id, job, id, job...
_CLAIM_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local claimed = {}
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', KEYS[2], id)
  if payload then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = payload
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return claimed
"""


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
        self._apply = redis.register_script(_APPLY)
        self._claim_due = redis.register_script(_CLAIM_DUE)

    async def apply(self, change: Change) -> Outcome:
        student = change.student_id
        args: list[Any] = [
            "1" if change.natural_key else "0",
            CLAIM_TTL_SECONDS,
            change.budget,
            BUDGET_TTL_SECONDS,
            len(change.add),
            len(change.remove),
            len(change.digest_set),
            len(change.digest_delete),
        ]
        for added in change.add:
            due = _ms(added.due)
            args += [
                added.job.job_id,
                due,
                encode_job(replace(added.job, due_ms=due)),
                "1" if added.keep_existing else "0",
            ]
        for job_id, expected in change.remove:
            args += [job_id, expected]
        for name, value in change.digest_set.items():
            args += [name, value]
        args += change.digest_delete
        claim = keys.claim(student, change.natural_key or "-")
        budget = keys.weekly_budget(student, change.budget_week or "-")
        result = await self._apply(
            keys=[
                claim,
                keys.student_index(student),
                keys.schedule(),
                keys.jobs(),
                keys.student_jobs(student),
                budget,
                keys.digest(student),
                keys.tombstone(student),
            ],
            args=args,
        )
        return Outcome(int(result))

    async def claim_due(self, now: datetime, lease_seconds: float, limit: int) -> list[ClaimedJob]:
        """Up to ``limit`` jobs due at ``now``, each leased to the caller for ``lease_seconds``."""
        now_ms = _ms(now)
        raw: Any = await self._claim_due(
            keys=[keys.schedule(), keys.jobs()],
            args=[now_ms, now_ms + int(lease_seconds * 1000), limit],
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
