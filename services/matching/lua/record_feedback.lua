-- Record feedback events, in order, unless any names an erased student: then nothing is
-- written (an erasure reads the list of the student's entries to delete them, so an entry
-- added after it would be left behind), and the refused items are returned.
--! keys: feedback_log
--! list items: key:entries key:excluded key:tombstone excludes student_id activity_id kind
--! list items: rating at_ms
--! include: tombstone
-- Each item: the student's list of entry ids, their excluded set and tombstone; whether the
-- feedback excludes the activity from suggestions ('1'), then the log entry's fields.
-- Returns the 1-based numbers of the items whose student is erased; empty when all were
-- recorded
local erased = {}
for i = 1, #A.items do
  if is_erased(A.items[i].tombstone) then
    erased[#erased + 1] = i
  end
end
if #erased > 0 then return erased end
for i = 1, #A.items do
  local entry_id = redis.call('XADD', K.feedback_log, '*', 'student_id', A.items[i].student_id,
                              'activity_id', A.items[i].activity_id, 'kind', A.items[i].kind,
                              'rating', A.items[i].rating, 'at_ms', A.items[i].at_ms)
  redis.call('RPUSH', A.items[i].entries, entry_id)
  if A.items[i].excludes == '1' then
    redis.call('SADD', A.items[i].excluded, A.items[i].activity_id)
  end
end
return erased
