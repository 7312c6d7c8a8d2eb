-- Apply everything one decision changes for one student (services.notify.schedule.Change):
-- the message's dedupe claim, the weekly budget, the jobs to add or remove and the digest
-- items to keep or drop.
--! keys: claim student_index schedule jobs student_jobs budget digest tombstone
--! args: has_claim claim_ttl budget_limit budget_ttl
--! list adds: id due payload keep
--! list removes: id expected
--! list digest_sets: field value
--! list digest_deletes: field
--! include: tombstone
-- A.budget_limit is -1 for no budget; an add with keep '1' leaves a job already scheduled
-- under its id as it is; a remove with expected '' removes whatever is there.
-- A change that would write about an erased student is refused whole (-2); removals alone
-- are always applied. Returns 1, 0 (claimed before: nothing changed), -1 (over budget: the
-- claim is kept as skipped), -2.
local has_claim = A.has_claim == '1'
if (has_claim or #A.adds > 0 or #A.digest_sets > 0) and is_erased(K.tombstone) then
  return -2
end
if has_claim and redis.call('EXISTS', K.claim) == 1 then
  return 0
end
local budget = tonumber(A.budget_limit)
if budget >= 0 then
  local used = tonumber(redis.call('GET', K.budget) or '0')
  if used >= budget then
    if has_claim then
      redis.call('SET', K.claim, 'over budget', 'EX', A.claim_ttl)
      redis.call('SADD', K.student_index, K.claim)
    end
    return -1
  end
  redis.call('INCR', K.budget)
  redis.call('EXPIRE', K.budget, A.budget_ttl)
  redis.call('SADD', K.student_index, K.budget)
end
if has_claim then
  redis.call('SET', K.claim, 'queued', 'EX', A.claim_ttl)
  redis.call('SADD', K.student_index, K.claim)
end
for i = 1, #A.adds do
  local id = A.adds[i].id
  if A.adds[i].keep ~= '1' or redis.call('HEXISTS', K.jobs, id) == 0 then
    redis.call('HSET', K.jobs, id, A.adds[i].payload)
    redis.call('ZADD', K.schedule, A.adds[i].due, id)
    redis.call('SADD', K.student_jobs, id)
  end
end
for i = 1, #A.removes do
  local id, expected = A.removes[i].id, A.removes[i].expected
  if expected == '' or redis.call('HGET', K.jobs, id) == expected then
    redis.call('HDEL', K.jobs, id)
    redis.call('ZREM', K.schedule, id)
    redis.call('SREM', K.student_jobs, id)
  end
end
for i = 1, #A.digest_sets do
  redis.call('HSET', K.digest, A.digest_sets[i].field, A.digest_sets[i].value)
end
for i = 1, #A.digest_deletes do
  redis.call('HDEL', K.digest, A.digest_deletes[i].field)
end
if #A.adds > 0 then
  redis.call('SADD', K.student_index, K.student_jobs)
end
if #A.digest_sets > 0 then
  redis.call('SADD', K.student_index, K.digest)
end
return 1
