-- The stored activities of one step of a listing, in the order asked: each the activity's
-- proto, or false (nil to the caller) when the activity is gone or its search text lacks one
-- of the words. The search text is the folded text the words are looked for in
-- (services.catalogue.filters.search_text), saved with the activity; an activity saved before
-- it was kept has none, and comes back for the caller to check. The caller applies the whole
-- filter to what comes back: here only words are looked for, in one round trip, so that the
-- activities they rule out are neither sent nor parsed.
--! list items: key:activity
--! list words: word
local found = {}
for i = 1, #A.items do
  local fields = redis.call('HMGET', A.items[i].activity, 'proto', 'search_text')
  local proto, text = fields[1], fields[2]
  if proto and text then
    for j = 1, #A.words do
      if not string.find(text, A.words[j].word, 1, true) then
        proto = false
        break
      end
    end
  end
  found[i] = proto
end
return found
