-- Erase one student's enrolment in one activity: a confirmed seat goes to the head of the
-- waitlist in the same step (as a cancellation's does), a waiting place is given up, and
-- nothing of the student stays in the activity's keys. The caller read the state and built
-- the events for it; if the state moved on since, nothing is written and 'retry' is returned.
--! keys: activity enrolment confirmed waitlist enrolments head_enrolment head_enrolments
--! keys: student_enrolments student_activities outbox
--! args: student_id activity_id expected_status expected_head now_ms
--! events: erased_event promoted_event
--! include: enrolments outbox
-- K.head_enrolment and K.head_enrolments are the expected head's enrolment and index of
-- enrolments (K.enrolment and K.student_enrolments again when none waits);
-- K.student_activities is the index of the student's activities that came before
-- K.student_enrolments. A.expected_status is '' for no enrolment, A.expected_head '' for none. The erased
-- event names no student; promoted_event is ignored without a promotion.
-- Returns {'erased', promoted student or ''} | {'retry'}
local status = redis.call('HGET', K.enrolment, 'status') or ''
if status ~= A.expected_status then return {'retry'} end
local promoted = ''
if status == 'confirmed' then
  promoted = free_seat(K.activity, K.confirmed, K.waitlist, K.head_enrolment, K.head_enrolments,
                       A.activity_id, A.student_id, A.expected_head, A.now_ms)
  if not promoted then return {'retry'} end
elseif status == 'waitlisted' then
  redis.call('ZREM', K.waitlist, A.student_id)
end
if status ~= '' then
  reindex(K.student_enrolments, A.activity_id, redis.call('HGET', K.enrolment, 'created_ms'),
          status, '')
end
redis.call('DEL', K.enrolment)
redis.call('ZREM', K.enrolments, A.student_id)
redis.call('SREM', K.student_activities, A.activity_id)
if status == 'confirmed' or status == 'waitlisted' then
  append_to_outbox(K.outbox, A.erased_event,
                   with_seats(A.erased_event.payload, K.confirmed, K.waitlist))
end
if promoted ~= '' then
  append_to_outbox(K.outbox, A.promoted_event,
                   with_seats(A.promoted_event.payload, K.confirmed, K.waitlist))
end
return {'erased', promoted}
