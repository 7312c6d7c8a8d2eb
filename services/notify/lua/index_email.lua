-- List a student whose preferences were saved before the index of students by address
-- existed under the digest of their address (idempotent). A.digest is of the preferences
-- A.data, as read before: when they changed since, their save indexed them already.
--! keys: preferences student_index email_of
--! args: data student_id email_prefix digest
--! include: email_index
-- Returns 1 when indexed, 0 when the preferences changed or are gone
if redis.call('GET', K.preferences) ~= A.data then return 0 end
reindex_email(K.email_of, K.student_index, A.email_prefix, A.student_id, A.digest)
return 1
