-- Exclude an activity the student enrolled in, or make it suggestible again; an enrolment
-- event of a student erased since is not taken.
-- KEYS: 1 excluded set, 2 tombstone. ARGV: 1 activity id, 2 '1' enrolled, '0' left
if ARGV[2] == '0' then
  redis.call('SREM', KEYS[1], ARGV[1])
elseif string.sub(redis.call('GET', KEYS[2]) or '', 1, 6) ~= 'erased' then
  redis.call('SADD', KEYS[1], ARGV[1])
end
return 1
