-- Enrol one student atomically: confirmed while seats remain and nobody waits, else
-- waitlisted (students already waiting keep their turn when seats free up).
-- KEYS: 1 activity hash, 2 enrolment hash, 3 confirmed set, 4 waitlist zset,
--       5 enrolments zset (order of enrolment), 6 outbox stream, 7 the student's activities
--       set (so erasure finds them), 8 the student's tombstone
-- ARGV: 1 student id, 2 now (ms), 3 now (s), 4 published state value,
--       5..9 confirmed event (subject, id, payload, type, traceparent), 10..14 waitlisted
--       event, 15 activity id
-- Returns {'created'|'exists', status, created_ms, updated_ms, promoted, waitlist rank or -1}
--       | {'not_found'} | {'not_open', state} | {'started'} | {'erased'}
if string.sub(redis.call('GET', KEYS[8]) or '', 1, 6) == 'erased' then return {'erased'} end
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'not_found'} end
if state ~= ARGV[4] then return {'not_open', state} end
if tonumber(redis.call('HGET', KEYS[1], 'starts_at')) <= tonumber(ARGV[3]) then
  return {'started'}
end
local existing = redis.call('HMGET', KEYS[2], 'status', 'created_ms', 'updated_ms', 'promoted')
if existing[1] and existing[1] ~= 'cancelled' then
  local rank = redis.call('ZRANK', KEYS[4], ARGV[1]) or -1
  return {'exists', existing[1], existing[2], existing[3], existing[4], rank}
end
local capacity = tonumber(redis.call('HGET', KEYS[1], 'capacity'))
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local status, e, rank
if redis.call('SCARD', KEYS[3]) < capacity and redis.call('ZCARD', KEYS[4]) == 0 then
  redis.call('SADD', KEYS[3], ARGV[1])
  status, e, rank = 'confirmed', 5, -1
else
  redis.call('ZADD', KEYS[4], seq, ARGV[1])
  status, e = 'waitlisted', 10
  rank = redis.call('ZCARD', KEYS[4]) - 1
end
redis.call('HSET', KEYS[2], 'status', status, 'created_ms', ARGV[2], 'updated_ms', ARGV[2],
           'promoted', '0', 'seq', seq)
redis.call('ZADD', KEYS[5], seq, ARGV[1])
redis.call('SADD', KEYS[7], ARGV[15])
redis.call('XADD', KEYS[6], '*', 'subject', ARGV[e], 'event_id', ARGV[e + 1],
           'payload', with_seats(ARGV[e + 2], KEYS[3], KEYS[4]), 'type', ARGV[e + 3],
           'traceparent', ARGV[e + 4])
return {'created', status, ARGV[2], ARGV[2], '0', rank}
