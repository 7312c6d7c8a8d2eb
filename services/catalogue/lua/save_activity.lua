-- Compare-and-set of one activity, its listing indexes and (optionally) its event.
-- KEYS: 1 activity hash, 2 confirmed set, 3 order index, 4 old section index,
--       5 new section index, 6 old edition index (or ''), 7 new edition index (or ''),
--       8 outbox stream
-- ARGV: 1 expected version ('0' = must not exist), 2 new version, 3 proto, 4 state,
--       5 capacity, 6 section, 7 starts_at, 8 old order key, 9 new order key,
--       10 subject ('' = no event), 11 event id, 12 payload, 13 message type, 14 traceparent
-- Returns {'ok'} | {'stale', current_version} | {'below_confirmed', confirmed}
local current = redis.call('HGET', KEYS[1], 'version')
if (current or '0') ~= ARGV[1] then
  return {'stale', current or '0'}
end
local confirmed = redis.call('SCARD', KEYS[2])
if tonumber(ARGV[5]) < confirmed then
  return {'below_confirmed', tostring(confirmed)}
end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'proto', ARGV[3], 'state', ARGV[4],
           'capacity', ARGV[5], 'section', ARGV[6], 'starts_at', ARGV[7], 'order_key', ARGV[9])
if ARGV[8] ~= ARGV[9] or KEYS[4] ~= KEYS[5] or KEYS[6] ~= KEYS[7] then
  if ARGV[8] ~= '' then
    redis.call('ZREM', KEYS[3], ARGV[8])
    redis.call('ZREM', KEYS[4], ARGV[8])
    if KEYS[6] ~= '' then redis.call('ZREM', KEYS[6], ARGV[8]) end
  end
  redis.call('ZADD', KEYS[3], 0, ARGV[9])
  redis.call('ZADD', KEYS[5], 0, ARGV[9])
  if KEYS[7] ~= '' then redis.call('ZADD', KEYS[7], 0, ARGV[9]) end
end
if ARGV[10] ~= '' then
  redis.call('XADD', KEYS[8], '*', 'subject', ARGV[10], 'event_id', ARGV[11],
             'payload', ARGV[12], 'type', ARGV[13], 'traceparent', ARGV[14])
end
return {'ok'}
