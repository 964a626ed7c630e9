--[[
  Creates the campaign and those of its categories that do not exist yet, each in `pending`
  with its deadline, and the fixed options of a new category as shortlisted proposals without
  author. A category that exists keeps its state: calling it again changes nothing.

  Input:
    KEYS[1] meta hash (field seq: the last proposal seq of the campaign)
    KEYS[2] categories list (category ids, in the order they were created)
    KEYS[3] the campaign's key base `<prefix>{<campaignId>}:` (category and proposal keys)

    ARGV[1] createdAt of the fixed options (UTC ms)
    ARGV[2..] per category: id, deadline, number of options n, then n pairs (text, normalized)

  Output:
    { Code.Ok }
]]
--- @include "codes"
--- @include "includes/createProposal"

local metaKey, base = KEYS[1], KEYS[3]
redis.call('HSETNX', metaKey, 'seq', 0)
local i = 2
while i <= #ARGV do
  local categoryId, deadline, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local first = i + 3
  i = first + 2 * n
  local stateKey = catKey(base, categoryId, 'state')
  if redis.call('EXISTS', stateKey) == 0 then
    redis.call('HSET', stateKey, 'phase', 'pending', 'deadline', deadline, 'shift', 0, 'pausedAt', '', 'version', 0, 'ballots', 0)
    redis.call('RPUSH', KEYS[2], categoryId)
    for j = first, i - 1, 2 do
      local id, seq = createProposal(metaKey, base, categoryId, ARGV[j], ARGV[j + 1], ARGV[1], nil)
      redis.call('ZADD', catKey(base, categoryId, 'shortlist'), seq, id)
    end
  end
end
return { Code.Ok }
