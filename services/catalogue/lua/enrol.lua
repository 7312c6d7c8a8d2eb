-- Enrol one student atomically: confirmed while seats remain and nobody waits, else
-- waitlisted (students already waiting keep their turn when seats free up).
--! keys: activity enrolment confirmed waitlist enrolments outbox student_enrolments tombstone
--! args: student_id activity_id now_ms now_s published_state
--! events: confirmed_event waitlisted_event
--! include: enrolments outbox tombstone
-- K.enrolments orders the activity's enrolments; K.student_enrolments indexes the student's
-- (for their listing, and for erasure to find them).
-- Returns {'created'|'exists', status, created_ms, updated_ms, promoted, waitlist rank or -1}
--       | {'not_found'} | {'not_open', state} | {'started'} | {'erased'}
if is_erased(K.tombstone) then return {'erased'} end
local state = redis.call('HGET', K.activity, 'state')
if not state then return {'not_found'} end
if state ~= A.published_state then return {'not_open', state} end
if tonumber(redis.call('HGET', K.activity, 'starts_at')) <= tonumber(A.now_s) then
  return {'started'}
end
local existing = redis.call('HMGET', K.enrolment, 'status', 'created_ms', 'updated_ms', 'promoted')
if existing[1] and existing[1] ~= 'cancelled' then
  local rank = redis.call('ZRANK', K.waitlist, A.student_id) or -1
  return {'exists', existing[1], existing[2], existing[3], existing[4], rank}
end
local capacity = tonumber(redis.call('HGET', K.activity, 'capacity'))
local seq = redis.call('HINCRBY', K.activity, 'seq', 1)
local status, event, rank
if redis.call('SCARD', K.confirmed) < capacity and redis.call('ZCARD', K.waitlist) == 0 then
  redis.call('SADD', K.confirmed, A.student_id)
  status, event, rank = 'confirmed', A.confirmed_event, -1
else
  redis.call('ZADD', K.waitlist, seq, A.student_id)
  status, event = 'waitlisted', A.waitlisted_event
  rank = redis.call('ZCARD', K.waitlist) - 1
end
redis.call('HSET', K.enrolment, 'status', status, 'created_ms', A.now_ms, 'updated_ms', A.now_ms,
           'promoted', '0', 'seq', seq)
redis.call('HDEL', K.enrolment, 'attended', 'attendance_ms')  -- of a place cancelled before
redis.call('ZADD', K.enrolments, seq, A.student_id)
if existing[1] then  -- cancelled: its member goes, the new enrolment's comes
  reindex(K.student_enrolments, A.activity_id, existing[2], 'cancelled', '')
end
reindex(K.student_enrolments, A.activity_id, A.now_ms, '', status)
append_to_outbox(K.outbox, event, with_seats(event.payload, K.confirmed, K.waitlist))
return {'created', status, A.now_ms, A.now_ms, '0', rank}
