-- Remember that the CATALOGUE message at A.sequence names the student. One step with the
-- tombstone check: a message is either indexed before an erasure reads the index, or seen
-- here as the message of an erased student (returns 0: the caller deletes it).
--! keys: tombstone messages
--! args: sequence
--! include: tombstone
if is_erased(K.tombstone) then return 0 end
redis.call('SADD', K.messages, A.sequence)
return 1
