--[[
  Appends an entry to the campaign's audit log.

  Input:
    KEYS[1] meta hash (its absence means an unknown campaign)
    KEYS[2] the audit log (a list of JSON entries, oldest first)

    ARGV[1] the entry, as JSON

  Output:
    { Code.Ok, length of the log } or { Code.CampaignUnknown }
]]
--- @include "codes"

if redis.call('EXISTS', KEYS[1]) == 0 then return { Code.CampaignUnknown } end
return { Code.Ok, redis.call('RPUSH', KEYS[2], ARGV[1]) }
