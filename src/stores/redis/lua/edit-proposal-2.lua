--[[
  Author-only edit of an active proposal, gated, with the duplicate rule of add-proposal (the
  proposal's own text does not count against it).

  Input:
    KEYS[1] proposal hash
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] authorKey
    ARGV[4] text         ARGV[5] normalized

  Output:
    { Code.Ok, proposal fields as HGETALL } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"
--- @include "includes/indexText"

local code, p = findGated(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if p.authorKey ~= ARGV[3] then return { Code.ProposalNotOwner } end
if p.status ~= 'active' then return { Code.ProposalNotActive } end
local texts = catKey(KEYS[2], p.categoryId, 'texts')
local same = tonumber(redis.call('HGET', texts, ARGV[5]) or '0')
if ARGV[5] == p.normalized then same = same - 1 end
if same > 0 then return { Code.ProposalDuplicate } end
indexText(texts, p.normalized, -1)
indexText(texts, ARGV[5], 1)
redis.call('HSET', KEYS[1], 'text', ARGV[4], 'normalized', ARGV[5])
return { Code.Ok, redis.call('HGETALL', KEYS[1]) }
