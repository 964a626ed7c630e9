--[[
  One ballot per fan per category (DESIGN invariant 5) with the incremental tally
  (invariant 6), gated, in one step. Every choice must be on the category's shortlist. A
  second ballot is refused unless changes are allowed; then it replaces the first and the
  first one's choices leave the tally. The rules are includes/castBallot.lua, shared with
  cast-ballots-N.lua (many ballots of a category in one call).

  Ballots live in small hashes (buckets) so that they stay listpack-encoded; the caller picks
  the fan's bucket (a hash of voterKey), so one fan always lands in the same one.

  Input:
    KEYS[1] category state hash (field ballots: the number of ballots)
    KEYS[2] category shortlist zset
    KEYS[3] the fan's ballot bucket hash (voterKey -> choice ids joined by ',')
    KEYS[4] category tally hash (option id -> votes; zero counts are removed)
    KEYS[5] meta hash (only read to tell an unknown campaign from an unknown category)

    ARGV[1] gate phase   ARGV[2] gate now   ARGV[3] voterKey
    ARGV[4] allowChange '1'|'0'   ARGV[5] tallied '1'|'0'
    ARGV[6..] the choice: option ids

  Output:
    { Code.Ok, changed 1|0 } or { refusal code }
]]
--- @include "codes"
--- @include "includes/castBallot"

local category = ballotCategory(KEYS[1], KEYS[2], KEYS[4], KEYS[5], false)
local code, changed = castBallot(category, KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV, 6, #ARGV)
saveCounts(category)
if code ~= Code.Ok then return { code } end
return { code, changed }
