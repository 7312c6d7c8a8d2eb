-- True when the tombstone at `key` marks an erased student (services.runtime.erasure): a
-- script that writes about a student checks it in the same atomic step as its write.
local function is_erased(key)
  return string.sub(redis.call('GET', key) or '', 1, 6) == 'erased'
end
