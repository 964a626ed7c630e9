--[[
  Many ballots of one category in one step, each exactly as cast-ballot-5.lua would cast it
  (the rules are includes/castBallot.lua), in order: a later ballot sees the earlier ones (the
  same fan's second ballot is refused as already cast, or changes the first). The store sends
  the ballots of a category cast in the same tick this way: one script call instead of one
  per ballot.

  Variable number of keys (the caller passes numberOfKeys): 4 + the number of ballots.

  Input:
    KEYS[1] category state hash (field ballots: the number of ballots)
    KEYS[2] category shortlist zset
    KEYS[3] category tally hash (option id -> votes; zero counts are removed)
    KEYS[4] meta hash (only read to tell an unknown campaign from an unknown category)
    KEYS[4 + i] ballot i's bucket hash (voterKey -> choice ids joined by ','), i = 1..n

    ARGV, for each ballot i in turn:
      gate phase, gate now, voterKey, allowChange '1'|'0', tallied '1'|'0',
      the number of choices m, then the m option ids of the choice

  Output:
    { code 1, changed 1, code 2, changed 2, ... }: for each ballot Code.Ok and changed 1|0,
    or a refusal code and 0
]]
--- @include "codes"
--- @include "includes/castBallot"

-- Check the shape first: a malformed call must fail before it writes anything.
local at = 1
for _ = 5, #KEYS do at = at + 6 + (tonumber(ARGV[at + 5]) or 0) end
if at ~= #ARGV + 1 then
  return redis.error_reply('ERR cast-ballots: ' .. (#KEYS - 4) .. ' ballots do not match ' .. #ARGV .. ' arguments')
end

local category = ballotCategory(KEYS[1], KEYS[2], KEYS[3], KEYS[4], true)
local out = {}
at = 1
for i = 5, #KEYS do
  local first = at + 6
  local last = first + tonumber(ARGV[at + 5]) - 1
  local code, changed = castBallot(category, KEYS[i], ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], first, last)
  out[#out + 1] = code
  out[#out + 1] = changed or 0
  at = last + 1
end
saveCounts(category)
return out
