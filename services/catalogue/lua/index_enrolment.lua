-- Put one enrolment made before the index of a student's enrolments existed into it, as its
-- hash says now (idempotent: its members under other statuses go).
--! keys: enrolment student_enrolments
--! args: activity_id
--! include: enrolments
-- Returns 1 when indexed, 0 when the enrolment is gone
local place = redis.call('HMGET', K.enrolment, 'status', 'created_ms')
if not place[1] then return 0 end
for _, status in ipairs({'confirmed', 'waitlisted', 'cancelled'}) do
  if status ~= place[1] then reindex(K.student_enrolments, A.activity_id, place[2], status, '') end
end
reindex(K.student_enrolments, A.activity_id, place[2], '', place[1])
return 1
