-- Learn from attendance the catalogue keeps: a student marked present has one ATTENDED entry
-- in the feedback log per activity; marked absent after all, that entry is taken out again.
-- A mark no newer than the one taken (a redelivery) and any mark of an erased student change
-- nothing.
--! keys: feedback_log entries attendance tombstone
--! args: student_id activity_id attended marked_ms kind
--! include: tombstone
-- K.entries is the student's list of feedback entry ids (erasure deletes them), K.attendance
-- maps each activity to '<marked_ms>:<entry id>' ('<marked_ms>:' when marked absent).
-- Returns 'recorded' | 'withdrawn' | 'unchanged' | 'erased'
if is_erased(K.tombstone) then return 'erased' end
local entry = ''
local taken = redis.call('HGET', K.attendance, A.activity_id)
if taken then
  local at, held = string.match(taken, '^(%d+):(.*)$')
  if tonumber(at) >= tonumber(A.marked_ms) then return 'unchanged' end
  entry = held
end
local outcome = 'unchanged'
if A.attended == '1' and entry == '' then
  entry = redis.call('XADD', K.feedback_log, '*', 'student_id', A.student_id,
                     'activity_id', A.activity_id, 'kind', A.kind, 'rating', '0',
                     'at_ms', A.marked_ms)
  redis.call('RPUSH', K.entries, entry)
  outcome = 'recorded'
elseif A.attended == '0' and entry ~= '' then
  redis.call('XDEL', K.feedback_log, entry)
  redis.call('LREM', K.entries, 0, entry)
  entry = ''
  outcome = 'withdrawn'
end
redis.call('HSET', K.attendance, A.activity_id, A.marked_ms .. ':' .. entry)
return outcome
