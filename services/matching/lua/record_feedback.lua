-- Record feedback events, in order, unless any names an erased student: then nothing is
-- written (an erasure reads the list of the student's entries to delete them, so an entry
-- added after it would be left behind), and the refused items are returned.
-- KEYS: 1 feedback log stream; then per item: the student's entry ids, their excluded set,
--       their tombstone
-- ARGV: per item, 12 values: '1' when the feedback excludes the activity, the activity id,
--       then 5 field, value pairs of the log entry
-- Returns the 1-based numbers of the items whose student is erased; empty when all were
-- recorded
local items = (#KEYS - 1) / 3
local erased = {}
for i = 0, items - 1 do
  if string.sub(redis.call('GET', KEYS[4 + 3 * i]) or '', 1, 6) == 'erased' then
    erased[#erased + 1] = i + 1
  end
end
if #erased > 0 then return erased end
for i = 0, items - 1 do
  local a = 12 * i
  local entry_id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, a + 3, a + 12))
  redis.call('RPUSH', KEYS[2 + 3 * i], entry_id)
  if ARGV[a + 1] == '1' then
    redis.call('SADD', KEYS[3 + 3 * i], ARGV[a + 2])
  end
end
return erased
