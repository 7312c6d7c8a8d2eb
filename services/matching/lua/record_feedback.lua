-- Record one feedback event, unless the student was erased: an erasure reads the list of the
-- student's entries to delete them, so an entry added after it would be left behind.
-- KEYS: 1 feedback log stream, 2 the student's entry ids, 3 excluded set, 4 tombstone
-- ARGV: 1 '1' when the feedback excludes the activity, 2 activity id, 3.. field, value, ...
-- Returns 1 | 0 (the student is erased: nothing written)
if string.sub(redis.call('GET', KEYS[4]) or '', 1, 6) == 'erased' then return 0 end
local entry_id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('RPUSH', KEYS[2], entry_id)
if ARGV[1] == '1' then
  redis.call('SADD', KEYS[3], ARGV[2])
end
return 1
