--[[
  Takes a fan's like back from a live proposal, gated. A proposal in review stays in review.

  Input:
    KEYS[1] proposal hash
    KEYS[2] the proposal's likes set (fan keys)
    KEYS[3] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] fanKey   ARGV[4] proposal id

  Output:
    { Code.Ok, likes } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"

local code, p = findGated(KEYS[1], KEYS[3], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if not isLive(p.status) then return { Code.ProposalNotActive } end
if redis.call('SREM', KEYS[2], ARGV[3]) == 0 then return { Code.LikeNotLiked } end
local likes = redis.call('HINCRBY', KEYS[1], 'likes', -1)
redis.call('ZINCRBY', catKey(KEYS[3], p.categoryId, 'rank'), '-4294967296', ARGV[4])
return { Code.Ok, likes }
