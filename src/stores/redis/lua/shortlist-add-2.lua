--[[
  Adds a proposal to its category's shortlist, gated: not a rejected or withdrawn proposal,
  not twice, not beyond `size`.

  Input:
    KEYS[1] proposal hash
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] size   ARGV[4] proposal id

  Output:
    { Code.Ok } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"

local code, p = findGated(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if p.status == 'rejected' then return { Code.ShortlistRejected } end
if p.status == 'withdrawn' then return { Code.ProposalNotActive } end
local shortlist = catKey(KEYS[2], p.categoryId, 'shortlist')
if redis.call('ZSCORE', shortlist, ARGV[4]) then return { Code.ShortlistAlready } end
if redis.call('ZCARD', shortlist) >= tonumber(ARGV[3]) then return { Code.ShortlistFull } end
redis.call('ZADD', shortlist, p.seq, ARGV[4])
return { Code.Ok }
