-- Lease up to A.most jobs due at A.now_ms to the caller until A.lease_end_ms; a job whose
-- payload is gone leaves the schedule. Returns id, job, id, job...
--! keys: schedule jobs
--! args: now_ms lease_end_ms most
local ids = redis.call('ZRANGEBYSCORE', K.schedule, '-inf', A.now_ms, 'LIMIT', 0, A.most)
local claimed = {}
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', K.jobs, id)
  if payload then
    redis.call('ZADD', K.schedule, A.lease_end_ms, id)
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = payload
  else
    redis.call('ZREM', K.schedule, id)
  end
end
return claimed
