-- Record the student as enrolled in the activity (A.status: confirmed or waitlisted).
--! keys: enrolled student_activities student_index tombstone
--! args: student_id status activity_id
--! include: tombstone
-- Returns 0 for an erased student (nothing written).
if is_erased(K.tombstone) then
  return 0
end
redis.call('HSET', K.enrolled, A.student_id, A.status)
redis.call('SADD', K.student_activities, A.activity_id)
redis.call('SADD', K.student_index, K.student_activities)
return 1
