--[[
  Takes the next entry of a lane (a campaign's stream read by the consumer group of one target).
  A lane has at most one entry in flight, so each target receives its events in order.

  Input:
    KEYS[1] the event stream

    ARGV[1] the group (the lane)   ARGV[2] this consumer
    ARGV[3] idle ms after which an entry in flight is taken over from its consumer

  Output:
    false when an entry is in flight (and not idle that long) or nothing is new, else
    { entry id, event JSON, 1 when taken over from a silent consumer else 0 }
]]
--- @include "event-fields"

local function eventOf(fields)
  for i = 1, #fields, 2 do
    if fields[i] == EventField.event then return fields[i + 1] end
  end
  return ''
end

if redis.call('XPENDING', KEYS[1], ARGV[1])[1] > 0 then
  local entry = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', 1)[2][1]
  if not entry then return false end
  return { entry[1], eventOf(entry[2]), 1 }
end
local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
if not read then return false end
local entry = read[1][2][1]
return { entry[1], eventOf(entry[2]), 0 }
