-- Delete every key of the student listed in K.student_index, and the index; returns how
-- many existed. Every indexed key carries the student's hash tag (same cluster slot); the set
-- of the students of their address, which does not, loses them first.
--! keys: student_index email_of
--! args: student_id email_prefix
--! include: email_index
reindex_email(K.email_of, K.student_index, A.email_prefix, A.student_id, '')
local members = redis.call('SMEMBERS', K.student_index)
local removed = 0
for i = 1, #members, 500 do
  removed = removed + redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
return removed + redis.call('DEL', K.student_index)
