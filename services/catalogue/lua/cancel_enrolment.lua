-- Cancel one enrolment; a freed seat goes to the head of the waitlist in the same step.
-- The caller read the state first and built the events for it; if the state moved on
-- (another cancellation changed the head), nothing is written and 'retry' is returned.
-- KEYS: 1 activity hash, 2 enrolment hash, 3 confirmed set, 4 waitlist zset,
--       5 enrolment hash of the expected head (or the enrolment hash again), 6 outbox
-- ARGV: 1 student id, 2 expected status, 3 expected head ('' = none), 4 now (ms),
--       5..9 cancelled event, 10..14 promoted event (ignored without a head); each event is
--       subject, id, payload, type, traceparent
-- Returns {'cancelled', promoted_student or ''} | {'not_enrolled'} | {'retry'}
local status = redis.call('HGET', KEYS[2], 'status')
if (not status) or status == 'cancelled' then return {'not_enrolled'} end
if status ~= ARGV[2] then return {'retry'} end
local promoted = ''
if status == 'waitlisted' then
  redis.call('ZREM', KEYS[4], ARGV[1])
else
  promoted = free_seat(KEYS[1], KEYS[3], KEYS[4], KEYS[5], ARGV[1], ARGV[3], ARGV[4])
  if not promoted then return {'retry'} end
end
redis.call('HSET', KEYS[2], 'status', 'cancelled', 'updated_ms', ARGV[4])
redis.call('XADD', KEYS[6], '*', 'subject', ARGV[5], 'event_id', ARGV[6],
           'payload', with_seats(ARGV[7], KEYS[3], KEYS[4]), 'type', ARGV[8],
           'traceparent', ARGV[9])
if promoted ~= '' then
  redis.call('XADD', KEYS[6], '*', 'subject', ARGV[10], 'event_id', ARGV[11],
             'payload', with_seats(ARGV[12], KEYS[3], KEYS[4]), 'type', ARGV[13],
             'traceparent', ARGV[14])
end
return {'cancelled', promoted}
