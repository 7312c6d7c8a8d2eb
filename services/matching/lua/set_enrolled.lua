-- Exclude an activity the student enrolled in, or make it suggestible again; an enrolment
-- event of a student erased since is not taken.
--! keys: excluded tombstone
--! args: activity_id enrolled
--! include: tombstone
if A.enrolled == '0' then
  redis.call('SREM', K.excluded, A.activity_id)
elseif not is_erased(K.tombstone) then
  redis.call('SADD', K.excluded, A.activity_id)
end
return 1
