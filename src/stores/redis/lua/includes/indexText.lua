-- Counts a normalized text in (+1) or out (-1) of the category's duplicate index.
local function indexText(textsKey, normalized, delta)
  if redis.call('HINCRBY', textsKey, normalized, delta) <= 0 then redis.call('HDEL', textsKey, normalized) end
end
