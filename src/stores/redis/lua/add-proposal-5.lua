--[[
  Adds a fan's proposal, gated: refuses when the author already has `perFan` live (active or
  in review) proposals in the category, or when a proposal of the category that is not
  withdrawn has the same normalized text. Allocates the id (base 36 of the campaign's seq).

  Input:
    KEYS[1] meta hash (seq counter; its absence means an unknown campaign)
    KEYS[2] category state hash
    KEYS[3] category authors hash (authorKey -> live proposals)
    KEYS[4] category texts hash (normalized text -> proposals not withdrawn)
    KEYS[5] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] gate phase       ARGV[2] gate now (UTC ms)   ARGV[3] perFan
    ARGV[4] categoryId       ARGV[5] text                ARGV[6] normalized
    ARGV[7] authorKey        ARGV[8] authorName          ARGV[9] platform
    ARGV[10] createdAt (UTC ms)
    ARGV[11] maxTotal: most proposals the category accepts ('' or absent for no cap)

  Output:
    { Code.Ok, id, seq } or { refusal code }
]]
--- @include "codes"
--- @include "includes/gate"
--- @include "includes/createProposal"

local code = gate(KEYS[2], ARGV[1], ARGV[2], KEYS[1])
if code ~= Code.Ok then return { code } end
if ARGV[11] and ARGV[11] ~= '' and redis.call('LLEN', catKey(KEYS[5], ARGV[4], 'proposals')) >= tonumber(ARGV[11]) then
  return { Code.CategoryFull }
end
if tonumber(redis.call('HGET', KEYS[3], ARGV[7]) or '0') >= tonumber(ARGV[3]) then return { Code.ProposalLimit } end
if redis.call('HEXISTS', KEYS[4], ARGV[6]) == 1 then return { Code.ProposalDuplicate } end
local id, seq = createProposal(KEYS[1], KEYS[5], ARGV[4], ARGV[5], ARGV[6], ARGV[10],
  { key = ARGV[7], name = ARGV[8], platform = ARGV[9] })
return { Code.Ok, id, seq }
