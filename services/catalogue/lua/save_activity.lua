-- Compare-and-set of one activity, its listing indexes and (optionally) its event.
--! keys: activity confirmed order old_section new_section old_edition new_edition outbox
--! args: expected_version version proto search_text state capacity section starts_at
--! args: old_order_key order_key
--! events: event
--! include: outbox
-- K.order, K.*_section and K.*_edition are the listing indexes (an edition index is '' for
-- an activity of no Week); A.expected_version is '0' when the activity must not exist yet,
-- A.old_order_key '' for a new activity; the event is absent for a change without one.
-- Returns {'ok'} | {'stale', current_version} | {'below_confirmed', confirmed}
local current = redis.call('HGET', K.activity, 'version')
if (current or '0') ~= A.expected_version then
  return {'stale', current or '0'}
end
local confirmed = redis.call('SCARD', K.confirmed)
if tonumber(A.capacity) < confirmed then
  return {'below_confirmed', tostring(confirmed)}
end
redis.call('HSET', K.activity, 'version', A.version, 'proto', A.proto,
           'search_text', A.search_text, 'state', A.state,
           'capacity', A.capacity, 'section', A.section, 'starts_at', A.starts_at,
           'order_key', A.order_key)
if A.old_order_key ~= A.order_key or K.old_section ~= K.new_section
    or K.old_edition ~= K.new_edition then
  if A.old_order_key ~= '' then
    redis.call('ZREM', K.order, A.old_order_key)
    redis.call('ZREM', K.old_section, A.old_order_key)
    if K.old_edition ~= '' then redis.call('ZREM', K.old_edition, A.old_order_key) end
  end
  redis.call('ZADD', K.order, 0, A.order_key)
  redis.call('ZADD', K.new_section, 0, A.order_key)
  if K.new_edition ~= '' then redis.call('ZADD', K.new_edition, 0, A.order_key) end
end
append_to_outbox(K.outbox, A.event)
return {'ok'}
