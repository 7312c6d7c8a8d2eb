-- Record one reverse-matching suggestion with its event, at most once per (student,
-- activity) and at most A.budget per student per ISO week.
--! keys: suggested budget_counter outbox tombstone
--! args: activity_id budget counter_ttl_seconds
--! events: event
--! include: outbox tombstone
-- Returns 'created' | 'duplicate' | 'over_budget' | 'erased' (scored just before an erasure)
if is_erased(K.tombstone) then return 'erased' end
if redis.call('SISMEMBER', K.suggested, A.activity_id) == 1 then return 'duplicate' end
local used = tonumber(redis.call('GET', K.budget_counter) or '0')
if used >= tonumber(A.budget) then return 'over_budget' end
redis.call('SADD', K.suggested, A.activity_id)
redis.call('INCR', K.budget_counter)
redis.call('EXPIRE', K.budget_counter, A.counter_ttl_seconds)
append_to_outbox(K.outbox, A.event)
return 'created'
