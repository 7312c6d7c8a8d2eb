-- Store the student's preferences unless they are erased (returns 0), and list the student
-- under the digest of the address they hold, and only that one.
--! keys: preferences student_index tombstone email_of
--! args: data student_id email_prefix digest
--! include: tombstone email_index
-- A.digest is '' when the preferences hold no address. The sets of students by address are
-- named from A.email_prefix here (notify keeps its keys on one Redis primary).
if is_erased(K.tombstone) then
  return 0
end
redis.call('SET', K.preferences, A.data)
redis.call('SADD', K.student_index, K.preferences)
reindex_email(K.email_of, K.student_index, A.email_prefix, A.student_id, A.digest)
return 1
