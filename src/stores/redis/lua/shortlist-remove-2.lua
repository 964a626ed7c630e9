--[[
  Takes a proposal off its category's shortlist, gated.

  Input:
    KEYS[1] proposal hash
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] proposal id

  Output:
    { Code.Ok } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"

local code, p = findGated(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if redis.call('ZREM', catKey(KEYS[2], p.categoryId, 'shortlist'), ARGV[3]) == 0 then return { Code.ShortlistNotListed } end
return { Code.Ok }
