-- Mark whether a confirmed student attended an activity that has started (or is completed).
-- The caller read the enrolment and built the event for it; if the place changed since,
-- nothing is written and 'retry' is returned. The same mark again writes nothing.
--! keys: activity enrolment outbox
--! args: now_ms now_s attended expected_updated_ms published_state completed_state
--! events: marked_event
--! include: outbox
-- A.attended is '1' (present) or '0' (absent).
-- Returns {'marked'} | {'unchanged', attendance_ms} | {'not_found'} | {'not_open', state}
--       | {'not_started'} | {'not_enrolled'} | {'not_confirmed', status} | {'retry'}
local state = redis.call('HGET', K.activity, 'state')
if not state then return {'not_found'} end
if state ~= A.published_state and state ~= A.completed_state then return {'not_open', state} end
if tonumber(redis.call('HGET', K.activity, 'starts_at')) > tonumber(A.now_s) then
  return {'not_started'}
end
local place = redis.call('HMGET', K.enrolment, 'status', 'updated_ms', 'attended',
                         'attendance_ms')
if not place[1] then return {'not_enrolled'} end
if place[1] ~= 'confirmed' then return {'not_confirmed', place[1]} end
if place[2] ~= A.expected_updated_ms then return {'retry'} end
if place[4] and place[3] == A.attended then return {'unchanged', place[4]} end
redis.call('HSET', K.enrolment, 'attended', A.attended, 'attendance_ms', A.now_ms)
append_to_outbox(K.outbox, A.marked_event)
return {'marked'}
