-- Prepended to every script that writes an enrolment event (services.catalogue.store).
-- with_seats appends the activity's seat counts, as they are at that point of the script, to
-- an event payload as its field 10 (SeatCounts confirmed = 1, waitlisted = 2). Protobuf reads
-- fields appended to a serialised message as part of it, so an event built before the script
-- carries counts that only the script can know.
local function varint(n)
  local bytes = ''
  while n >= 128 do
    bytes = bytes .. string.char(n % 128 + 128)
    n = math.floor(n / 128)
  end
  return bytes .. string.char(n)
end

local function with_seats(payload, confirmed_key, waitlist_key)
  local counts = '\8' .. varint(redis.call('SCARD', confirmed_key))
    .. '\16' .. varint(redis.call('ZCARD', waitlist_key))
  return payload .. '\82' .. varint(#counts) .. counts
end

