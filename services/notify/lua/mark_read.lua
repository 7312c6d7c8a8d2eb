-- Mark the student's items read; returns how many were unread.
--! keys: unread
--! list items: key:item id
local marked = 0
for i = 1, #A.items do
  if redis.call('HGET', A.items[i].item, 'read') == '0' then
    redis.call('HSET', A.items[i].item, 'read', '1')
    marked = marked + 1
  end
  redis.call('ZREM', K.unread, A.items[i].id)
end
return marked
