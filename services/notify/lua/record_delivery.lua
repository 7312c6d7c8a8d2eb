-- Keep the latest status of one message on one channel in the delivery log, with the events
-- that announce it (services.notify.events.delivery_events) appended to the outbox.
--! keys: delivery recent student_index tombstone outbox
--! args: channel data updated_ms message_id recent_max ttl_seconds
--! events: recorded dead_letter
--! include: outbox tombstone
-- K.recent lists the student's most recently updated messages (at most A.recent_max).
-- An update older than the stored one (a redelivered event) is ignored, as is one about an
-- erased student (a message that was being sent when the erasure came): returns 0, and
-- announces nothing.
if is_erased(K.tombstone) then
  return 0
end
local at = redis.call('HGET', K.delivery, 'at:' .. A.channel)
if at and tonumber(at) > tonumber(A.updated_ms) then
  return 0
end
redis.call('HSET', K.delivery, 'd:' .. A.channel, A.data, 'at:' .. A.channel, A.updated_ms)
redis.call('EXPIRE', K.delivery, A.ttl_seconds)
redis.call('LREM', K.recent, 0, A.message_id)
redis.call('LPUSH', K.recent, A.message_id)
redis.call('LTRIM', K.recent, 0, tonumber(A.recent_max) - 1)
redis.call('SADD', K.student_index, K.delivery, K.recent)
append_to_outbox(K.outbox, A.recorded)
append_to_outbox(K.outbox, A.dead_letter)
return 1
