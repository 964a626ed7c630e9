--- @include "includes/keys"
--- @include "includes/gate"

-- The proposal at `key` if it exists and its category passes the gate: (Code.Ok, proposal)
-- with proposal = { categoryId, status, authorKey (or false), normalized, seq }; else (code).
local function findGated(key, base, phase, now)
  local f = redis.call('HMGET', key, 'categoryId', 'status', 'authorKey', 'normalized', 'seq')
  if not f[1] then return Code.ProposalUnknown end
  local code = gate(catKey(base, f[1], 'state'), phase, now)
  if code ~= Code.Ok then return code end
  return Code.Ok, { categoryId = f[1], status = f[2], authorKey = f[3], normalized = f[4], seq = f[5] }
end

-- Active or in review: holds a fan slot, can be liked, rejected, withdrawn.
local function isLive(status)
  return status == 'active' or status == 'review'
end
