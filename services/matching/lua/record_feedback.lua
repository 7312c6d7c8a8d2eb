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
for i, item in ipairs(A.items) do
  if is_erased(item.tombstone) then
    erased[#erased + 1] = i
  end
end
if #erased > 0 then return erased end
for _, item in ipairs(A.items) do
  local entry_id = redis.call('XADD', K.feedback_log, '*', 'student_id', item.student_id,
                              'activity_id', item.activity_id, 'kind', item.kind,
                              'rating', item.rating, 'at_ms', item.at_ms)
  redis.call('RPUSH', item.entries, entry_id)
  if item.excludes == '1' then
    redis.call('SADD', item.excluded, item.activity_id)
  end
end
return erased
