--[[
  One ballot per fan per category (DESIGN invariant 5) with the incremental tally
  (invariant 6), gated, in one step. Every choice must be on the category's shortlist. A
  second ballot is refused unless changes are allowed; then it replaces the first and the
  first one's choices leave the tally.

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
--- @include "includes/gate"

local code = gate(KEYS[1], ARGV[1], ARGV[2], KEYS[5])
if code ~= Code.Ok then return { code } end
for i = 6, #ARGV do
  if not redis.call('ZSCORE', KEYS[2], ARGV[i]) then return { Code.VoteNotShortlisted } end
end
local voterKey, choice, previous = ARGV[3], table.concat(ARGV, ',', 6), false
if ARGV[4] == '1' then
  previous = redis.call('HGET', KEYS[3], voterKey)
  redis.call('HSET', KEYS[3], voterKey, choice)
elseif redis.call('HSETNX', KEYS[3], voterKey, choice) == 0 then
  return { Code.VoteAlreadyCast }
end
if ARGV[5] == '1' then
  if previous then
    for id in string.gmatch(previous, '[^,]+') do
      if redis.call('HINCRBY', KEYS[4], id, -1) <= 0 then redis.call('HDEL', KEYS[4], id) end
    end
  end
  for i = 6, #ARGV do redis.call('HINCRBY', KEYS[4], ARGV[i], 1) end
end
if previous then return { Code.Ok, 1 } end
redis.call('HINCRBY', KEYS[1], 'ballots', 1)
return { Code.Ok, 0 }
