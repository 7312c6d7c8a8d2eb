-- Record one reverse-matching suggestion with its event, at most once per (student,
-- activity) and at most ARGV[2] per student per ISO week.
-- KEYS: 1 suggested set, 2 weekly budget counter, 3 outbox, 4 the student's tombstone
-- ARGV: 1 activity id, 2 weekly budget, 3 counter ttl (s),
--       4..8 event (subject, id, payload, type, traceparent)
-- Returns 'created' | 'duplicate' | 'over_budget' | 'erased' (scored just before an erasure)
if string.sub(redis.call('GET', KEYS[4]) or '', 1, 6) == 'erased' then return 'erased' end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'duplicate' end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used >= tonumber(ARGV[2]) then return 'over_budget' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], '*', 'subject', ARGV[4], 'event_id', ARGV[5],
           'payload', ARGV[6], 'type', ARGV[7], 'traceparent', ARGV[8])
return 'created'
