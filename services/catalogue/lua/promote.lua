-- Give one free seat to the head of the waitlist (after capacity was raised).
-- KEYS: 1 activity hash, 2 confirmed set, 3 waitlist zset, 4 head's enrolment hash, 5 outbox
-- ARGV: 1 expected head, 2 now (ms),
--       3..7 promoted event (subject, id, payload, type, traceparent)
-- Returns {'promoted'} | {'full'} | {'retry'} (the head changed since it was read)
local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1] or ''
if head ~= ARGV[1] or head == '' then return {'retry'} end
if redis.call('SCARD', KEYS[2]) >= tonumber(redis.call('HGET', KEYS[1], 'capacity')) then
  return {'full'}
end
redis.call('ZREM', KEYS[3], head)
redis.call('SADD', KEYS[2], head)
redis.call('HSET', KEYS[4], 'status', 'confirmed', 'promoted', '1', 'updated_ms', ARGV[2])
redis.call('XADD', KEYS[5], '*', 'subject', ARGV[3], 'event_id', ARGV[4],
           'payload', with_seats(ARGV[5], KEYS[2], KEYS[3]), 'type', ARGV[6],
           'traceparent', ARGV[7])
return {'promoted'}
