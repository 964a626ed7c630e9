--[[
  Stores a category's results and appends their events, in one step. Without `replace`,
  results already stored are kept and nothing is appended (a reveal computed twice is
  published once).

  Input:
    KEYS[1] meta hash (its absence means an unknown campaign)
    KEYS[2] results hash (categoryId -> results JSON)
    KEYS[3] the campaign's event stream
    KEYS[4] the set of event ids already appended

    ARGV[1] categoryId   ARGV[2] replace '1'|'0'   ARGV[3] results JSON
    ARGV[4..] events, as triples (id, fill '0', JSON)

  Output:
    { Code.Ok }, { Code.NotApplied } or { Code.CampaignUnknown }
]]
--- @include "codes"
--- @include "includes/appendEvents"

if redis.call('EXISTS', KEYS[1]) == 0 then return { Code.CampaignUnknown } end
if ARGV[2] ~= '1' and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return { Code.NotApplied } end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
appendEvents(KEYS[3], KEYS[4], 4, nil)
return { Code.Ok }
