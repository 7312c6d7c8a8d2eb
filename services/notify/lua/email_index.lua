-- Included by the scripts that save or erase preferences (services.runtime.scripts).

-- The students of an address are listed under its digest, in the set email_prefix .. digest
-- (services.notify.keys.students_with_email); the student's own key email_of_key holds the
-- digest they are listed under. reindex_email lists the student under new_digest only ('' for
-- no address): the set of their previous address loses them in the same step.
local function reindex_email(email_of_key, student_index_key, email_prefix, student_id,
                             new_digest)
  local old = redis.call('GET', email_of_key) or ''
  if old == new_digest then return end
  if old ~= '' then redis.call('SREM', email_prefix .. old, student_id) end
  if new_digest == '' then
    redis.call('DEL', email_of_key)
    return
  end
  redis.call('SADD', email_prefix .. new_digest, student_id)
  redis.call('SET', email_of_key, new_digest)
  redis.call('SADD', student_index_key, email_of_key)
end
