-- Store an activity of notify's view of the catalogue unless a newer version is stored.
--! keys: activity
--! args: version data
-- Returns 1 when stored.
local stored = tonumber(redis.call('HGET', K.activity, 'version') or '-1')
if stored > tonumber(A.version) then
  return 0
end
redis.call('HSET', K.activity, 'version', A.version, 'data', A.data)
return 1
