--[[
  Author-only withdrawal of a live proposal, gated: frees the author's slot and the text, and
  takes the proposal off the shortlist.

  Input:
    KEYS[1] proposal hash
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] authorKey   ARGV[4] proposal id

  Output:
    { Code.Ok } or { refusal code }
]]
--- @include "codes"
--- @include "includes/findGated"
--- @include "includes/leaveLive"
--- @include "includes/indexText"

local code, p = findGated(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if code ~= Code.Ok then return { code } end
if p.authorKey ~= ARGV[3] then return { Code.ProposalNotOwner } end
if not isLive(p.status) then return { Code.ProposalNotActive } end
leaveLive(KEYS[1], KEYS[2], ARGV[4], p, 'withdrawn')
indexText(catKey(KEYS[2], p.categoryId, 'texts'), p.normalized, -1)
return { Code.Ok }
