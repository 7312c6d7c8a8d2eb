-- Store and announce a new inbox item, once: an item id seen before changes nothing.
--! keys: item inbox unread student_index tombstone
--! args: data created_ms item_id read channel
--! include: tombstone
-- K.student_index lists the student's keys (for erasure); A.read is '1' or '0'; the item is
-- published on A.channel for the WatchInbox streams.
-- Returns 1, 0 (the item exists), -1 (the student is erased).
if is_erased(K.tombstone) then
  return -1
end
if redis.call('EXISTS', K.item) == 1 then
  return 0
end
redis.call('HSET', K.item, 'data', A.data, 'read', A.read)
redis.call('ZADD', K.inbox, A.created_ms, A.item_id)
if A.read == '0' then
  redis.call('ZADD', K.unread, A.created_ms, A.item_id)
end
redis.call('SADD', K.student_index, K.item, K.inbox, K.unread)
redis.call('PUBLISH', A.channel, A.data)
return 1
