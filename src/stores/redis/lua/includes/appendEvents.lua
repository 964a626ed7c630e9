-- Appends the events given in ARGV from index `first` on, as triples (event id, fill, JSON),
-- to the campaign's stream, each id at most once (the SADD on the id set dedupes).
-- When fill is '1' the JSON comes without its `items` and `items()` supplies them (a JSON array).
local function appendEvents(eventsKey, idsKey, first, items)
  local filled
  for i = first, #ARGV, 3 do
    local id, json = ARGV[i], ARGV[i + 2]
    if ARGV[i + 1] == '1' then
      filled = filled or items()
      json = string.sub(json, 1, -2) .. ',"items":' .. filled .. '}'
    end
    if redis.call('SADD', idsKey, id) == 1 then
      redis.call('XADD', eventsKey, '*', 'id', id, 'event', json)
    end
  end
end
