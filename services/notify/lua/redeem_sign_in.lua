-- Let a sign-in link sign its student in once: remember its id until the link expires.
--! keys: used tombstone
--! args: expires_ms
--! include: tombstone
-- Returns 'redeemed' | 'used' | 'erased' (nothing remembered for an erased student)
if is_erased(K.tombstone) then return 'erased' end
if redis.call('SET', K.used, '1', 'NX', 'PXAT', A.expires_ms) then return 'redeemed' end
return 'used'
