-- The store's half of the gate (src/ports/store.ts): the category is in `phase`, not paused,
-- and `now` is before its deadline. `metaKey` (optional) tells an unknown campaign apart.
local function gate(stateKey, phase, now, metaKey)
  local s = redis.call('HMGET', stateKey, 'phase', 'pausedAt', 'deadline')
  if not s[1] then
    if metaKey and redis.call('EXISTS', metaKey) == 0 then return Code.CampaignUnknown end
    return Code.CategoryUnknown
  end
  if s[1] ~= phase then return Code.PhaseClosed end
  if s[2] ~= '' then return Code.PhasePaused end
  if s[3] ~= '' and tonumber(now) >= tonumber(s[3]) then return Code.PhaseClosed end
  return Code.Ok
end
