-- Erase one student's enrolment in one activity: a confirmed seat goes to the head of the
-- waitlist in the same step (as a cancellation's does), a waiting place is given up, and
-- nothing of the student stays in the activity's keys. The caller read the state and built
-- the events for it; if the state moved on since, nothing is written and 'retry' is returned.
-- KEYS: 1 activity hash, 2 enrolment hash, 3 confirmed set, 4 waitlist zset,
--       5 enrolments zset, 6 enrolment hash of the expected head (or the enrolment hash
--       again), 7 the student's activities set, 8 outbox
-- ARGV: 1 student id, 2 activity id, 3 expected status ('' = no enrolment), 4 expected head
--       ('' = none), 5 now (ms), 6..10 erased event (names no student), 11..15 promoted
--       event (ignored without a promotion); each event is subject, id, payload, type,
--       traceparent
-- Returns {'erased', promoted student or ''} | {'retry'}
local status = redis.call('HGET', KEYS[2], 'status') or ''
if status ~= ARGV[3] then return {'retry'} end
local promoted = ''
if status == 'confirmed' then
  promoted = free_seat(KEYS[1], KEYS[3], KEYS[4], KEYS[6], ARGV[1], ARGV[4], ARGV[5])
  if not promoted then return {'retry'} end
elseif status == 'waitlisted' then
  redis.call('ZREM', KEYS[4], ARGV[1])
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('SREM', KEYS[7], ARGV[2])
if status == 'confirmed' or status == 'waitlisted' then
  redis.call('XADD', KEYS[8], '*', 'subject', ARGV[6], 'event_id', ARGV[7],
             'payload', with_seats(ARGV[8], KEYS[3], KEYS[4]), 'type', ARGV[9],
             'traceparent', ARGV[10])
end
if promoted ~= '' then
  redis.call('XADD', KEYS[8], '*', 'subject', ARGV[11], 'event_id', ARGV[12],
             'payload', with_seats(ARGV[13], KEYS[3], KEYS[4]), 'type', ARGV[14],
             'traceparent', ARGV[15])
end
return {'erased', promoted}
