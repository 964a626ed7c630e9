--[[
  One like per fan per live proposal, gated. With a threshold, the like that brings an active
  proposal to it moves the proposal to review (so exactly once per proposal).

  Input:
    KEYS[1] proposal hash
    KEYS[2] the proposal's likes set (fan keys)
    KEYS[3] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] fanKey
    ARGV[4] threshold ('' for none)   ARGV[5] proposal id

  Output:
    { Code.Ok, likes, reachedThreshold 1|0 } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"

local code, p = findGated(KEYS[1], KEYS[3], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if not isLive(p.status) then return { Code.ProposalNotActive } end
if redis.call('SADD', KEYS[2], ARGV[3]) == 0 then return { Code.LikeAlready } end
local likes = redis.call('HINCRBY', KEYS[1], 'likes', 1)
redis.call('ZINCRBY', catKey(KEYS[3], p.categoryId, 'rank'), '4294967296', ARGV[5])
local reached = 0
if ARGV[4] ~= '' and p.status == 'active' and likes >= tonumber(ARGV[4]) then
  reached = 1
  redis.call('HSET', KEYS[1], 'status', 'review')
  redis.call('ZADD', catKey(KEYS[3], p.categoryId, 'review'), p.seq, ARGV[5])
end
return { Code.Ok, likes, reached }
