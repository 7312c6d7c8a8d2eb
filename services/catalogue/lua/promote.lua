-- Give one free seat to the head of the waitlist (after capacity was raised).
--! keys: activity confirmed waitlist head_enrolment head_enrolments outbox
--! args: activity_id expected_head now_ms
--! events: promoted_event
--! include: enrolments outbox
-- Returns {'promoted'} | {'full'} | {'retry'} (the head changed since it was read)
local head = redis.call('ZRANGE', K.waitlist, 0, 0)[1] or ''
if head ~= A.expected_head or head == '' then return {'retry'} end
if redis.call('SCARD', K.confirmed) >= tonumber(redis.call('HGET', K.activity, 'capacity')) then
  return {'full'}
end
redis.call('ZREM', K.waitlist, head)
redis.call('SADD', K.confirmed, head)
redis.call('HSET', K.head_enrolment, 'status', 'confirmed', 'promoted', '1',
           'updated_ms', A.now_ms)
reindex(K.head_enrolments, A.activity_id, redis.call('HGET', K.head_enrolment, 'created_ms'),
        'waitlisted', 'confirmed')
append_to_outbox(K.outbox, A.promoted_event,
                 with_seats(A.promoted_event.payload, K.confirmed, K.waitlist))
return {'promoted'}
