--[[
  Keeps the campaign's definition (a text the store never reads: the validated campaign file,
  encoded by the composition root) beside its state, so that the tools that read a stored
  campaign find it without its file. The last definition saved replaces the one before.

  Input:
    KEYS[1] meta hash (its absence means an unknown campaign)
    KEYS[2] the campaign's definition (a string)

    ARGV[1] the definition

  Output:
    { Code.Ok } or { Code.CampaignUnknown }
]]
--- @include "codes"

if redis.call('EXISTS', KEYS[1]) == 0 then return { Code.CampaignUnknown } end
redis.call('SET', KEYS[2], ARGV[1])
return { Code.Ok }
