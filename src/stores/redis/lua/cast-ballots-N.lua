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

    ARGV[1] the ballots packed in one string: for each ballot i in turn, the fields
      gate phase, gate now, voterKey, allowChange '1'|'0', tallied '1'|'0',
      the number of choices m, then the m option ids of the choice,
    each written `<its length in bytes>:<its bytes>` (so a field may hold any byte). One
    argument rather than one per field: the client frames and copies far less per ballot.

  Output:
    { code 1, changed 1, code 2, changed 2, ... }: for each ballot Code.Ok and changed 1|0,
    or a refusal code and 0
]]
--- @include "codes"
--- @include "includes/castBallot"

-- The fields of ARGV[1] (`<length>:<bytes>` each, back to back), or nil if it is not that.
local function unpackFields(packed)
  local fields, pos, size = {}, 1, #packed
  while pos <= size do
    local colon = string.find(packed, ':', pos, true)
    local length = colon and tonumber(string.sub(packed, pos, colon - 1))
    if not length or length < 0 or length % 1 ~= 0 or colon + length > size then return nil end
    fields[#fields + 1] = string.sub(packed, colon + 1, colon + length)
    pos = colon + length + 1
  end
  return fields
end

-- Check the shape first: a malformed call must fail before it writes anything.
local args = #ARGV == 1 and unpackFields(ARGV[1]) or nil
local at = 1
if args then
  for _ = 5, #KEYS do at = at + 6 + (tonumber(args[at + 5]) or 0) end
end
if not args or at ~= #args + 1 then
  return redis.error_reply('ERR cast-ballots: ' .. (#KEYS - 4) .. ' ballots do not match ' .. (args and #args or 0) .. ' packed fields in ' .. #ARGV .. ' arguments')
end

local category = ballotCategory(KEYS[1], KEYS[2], KEYS[3], KEYS[4], true)
local out = {}
at = 1
for i = 5, #KEYS do
  local first = at + 6
  local last = first + tonumber(args[at + 5]) - 1
  local code, changed = castBallot(category, KEYS[i], args[at], args[at + 1], args[at + 2], args[at + 3], args[at + 4], args, first, last)
  out[#out + 1] = code
  out[#out + 1] = changed or 0
  at = last + 1
end
saveCounts(category)
return out
