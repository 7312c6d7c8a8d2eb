-- Store the student's preferences unless they are erased (returns 0).
--! keys: preferences student_index tombstone
--! args: data
--! include: tombstone
if is_erased(K.tombstone) then
  return 0
end
redis.call('SET', K.preferences, A.data)
redis.call('SADD', K.student_index, K.preferences)
return 1
