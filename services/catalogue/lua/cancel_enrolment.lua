-- Cancel one enrolment; a freed seat goes to the head of the waitlist in the same step.
-- The caller read the state first and built the events for it; if the state moved on
-- (another cancellation changed the head), nothing is written and 'retry' is returned.
--! keys: activity enrolment confirmed waitlist head_enrolment outbox student_enrolments
--! keys: head_enrolments
--! args: student_id activity_id expected_status expected_head now_ms
--! events: cancelled_event promoted_event
--! include: enrolments outbox
-- K.head_enrolment and K.head_enrolments are the expected head's enrolment and index of
-- enrolments (K.enrolment and K.student_enrolments again when none waits); A.expected_head
-- is '' for none. promoted_event is ignored without a promotion.
-- Returns {'cancelled', promoted_student or ''} | {'not_enrolled'} | {'retry'}
local status = redis.call('HGET', K.enrolment, 'status')
if (not status) or status == 'cancelled' then return {'not_enrolled'} end
if status ~= A.expected_status then return {'retry'} end
local promoted = ''
if status == 'waitlisted' then
  redis.call('ZREM', K.waitlist, A.student_id)
else
  promoted = free_seat(K.activity, K.confirmed, K.waitlist, K.head_enrolment, K.head_enrolments,
                       A.activity_id, A.student_id, A.expected_head, A.now_ms)
  if not promoted then return {'retry'} end
end
reindex(K.student_enrolments, A.activity_id, redis.call('HGET', K.enrolment, 'created_ms'),
        status, 'cancelled')
redis.call('HSET', K.enrolment, 'status', 'cancelled', 'updated_ms', A.now_ms)
redis.call('HDEL', K.enrolment, 'attended', 'attendance_ms')  -- a cancelled place holds none
append_to_outbox(K.outbox, A.cancelled_event,
                 with_seats(A.cancelled_event.payload, K.confirmed, K.waitlist))
if promoted ~= '' then
  append_to_outbox(K.outbox, A.promoted_event,
                   with_seats(A.promoted_event.payload, K.confirmed, K.waitlist))
end
return {'cancelled', promoted}
