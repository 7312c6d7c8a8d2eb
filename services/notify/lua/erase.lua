-- Delete every key of the student listed in K.student_index, and the index; returns how
-- many existed. Every indexed key carries the student's hash tag (same cluster slot).
--! keys: student_index
local members = redis.call('SMEMBERS', K.student_index)
local removed = 0
for i = 1, #members, 500 do
  removed = removed + redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
return removed + redis.call('DEL', K.student_index)
