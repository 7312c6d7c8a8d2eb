-- Mark the student's items read; returns how many were unread.
--! keys: unread
--! list items: key:item id
local marked = 0
for _, item in ipairs(A.items) do
  if redis.call('HGET', item.item, 'read') == '0' then
    redis.call('HSET', item.item, 'read', '1')
    marked = marked + 1
  end
  redis.call('ZREM', K.unread, item.id)
end
return marked
