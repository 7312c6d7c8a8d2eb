-- Included by every script that changes enrolments (services.runtime.scripts).

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

-- A student's enrolments index (services.catalogue.keys.student_enrolments) holds one member
-- per enrolment, '<status>:<created_ms, 13 digits>:<activity id>' (all scores 0): by status,
-- then in the order they were made, so a listing reads each status it wants in order.
local function place_member(status, created_ms, activity_id)
  local created = tostring(created_ms)
  return status .. ':' .. string.rep('0', 13 - #created) .. created .. ':' .. activity_id
end

-- reindex moves an enrolment's member from old_status to new_status ('' for none: a new
-- enrolment, or one erased).
local function reindex(index_key, activity_id, created_ms, old_status, new_status)
  if old_status ~= '' then
    redis.call('ZREM', index_key, place_member(old_status, created_ms, activity_id))
  end
  if new_status ~= '' then
    redis.call('ZADD', index_key, 0, place_member(new_status, created_ms, activity_id))
  end
end

-- free_seat takes a confirmed student's seat and gives it to the head of the waitlist, if
-- one waits and the capacity allows. The caller built the promotion event for the head it
-- read: when the head is another one now, nothing changes and false is returned. Else it
-- returns the promoted student ('' for none).
local function free_seat(activity_key, confirmed_key, waitlist_key, head_enrolment_key,
                         head_index_key, activity_id, student, expected_head, now_ms)
  local head = redis.call('ZRANGE', waitlist_key, 0, 0)[1] or ''
  if head ~= expected_head then return false end
  redis.call('SREM', confirmed_key, student)
  local capacity = tonumber(redis.call('HGET', activity_key, 'capacity'))
  if head ~= '' and redis.call('SCARD', confirmed_key) < capacity then
    redis.call('ZREM', waitlist_key, head)
    redis.call('SADD', confirmed_key, head)
    redis.call('HSET', head_enrolment_key, 'status', 'confirmed', 'promoted', '1',
               'updated_ms', now_ms)
    reindex(head_index_key, activity_id, redis.call('HGET', head_enrolment_key, 'created_ms'),
            'waitlisted', 'confirmed')
    return head
  end
  return ''
end

