--[[
  Returns the campaign's secret (the key of the manifest's fan hashes), storing the given
  candidate first if the campaign has none yet: the first caller's candidate wins, every later
  call answers the same secret.

  Input:
    KEYS[1] meta hash (its absence means an unknown campaign)
    KEYS[2] the campaign's secret (a string)

    ARGV[1] candidate secret

  Output:
    { Code.Ok, secret } or { Code.CampaignUnknown }
]]
--- @include "codes"

if redis.call('EXISTS', KEYS[1]) == 0 then return { Code.CampaignUnknown } end
redis.call('SET', KEYS[2], ARGV[1], 'NX')
return { Code.Ok, redis.call('GET', KEYS[2]) }
