--[[
  Curator rejection of a live proposal, gated: it keeps the reason, leaves review and the
  shortlist, frees its author's slot, and still blocks its text as a duplicate.

  Input:
    KEYS[1] proposal hash
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] reason   ARGV[4] proposal id

  Output:
    { Code.Ok } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"
--- @include "includes/leaveLive"

local code, p = findGated(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if not isLive(p.status) then return { Code.ProposalNotActive } end
leaveLive(KEYS[1], KEYS[2], ARGV[4], p, 'rejected')
redis.call('HSET', KEYS[1], 'rejectReason', ARGV[3])
return { Code.Ok }
