-- Set a tombstone (services.runtime.erasure) to A.state ('erased' or 'lifted') at
-- A.revision, unless it holds a newer revision already; a lifted one expires after
-- A.lifted_seconds.
--! keys: tombstone
--! args: state revision lifted_seconds
-- Returns 1 when set, 0 when a newer revision is there already (nothing changes).
local current = redis.call('GET', K.tombstone)
if current and string.sub(current, 8) > A.revision then
  return 0
end
if A.state == 'erased' then
  redis.call('SET', K.tombstone, 'erased ' .. A.revision)
else
  redis.call('SET', K.tombstone, 'lifted ' .. A.revision, 'EX', A.lifted_seconds)
end
return 1
