--[[
  Appends events to a campaign's event stream, each id once (the store's scripts do the same).

  Input:
    KEYS[1] the set of event ids appended
    KEYS[2] the event stream

    ARGV    event id, event JSON, event id, event JSON, ...

  Output:
    the number of events appended (an id already in KEYS[1] is not appended again)
]]
--- @include "event-fields"

local appended = 0
for i = 1, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[2], '*', EventField.id, ARGV[i], EventField.event, ARGV[i + 1])
    appended = appended + 1
  end
end
return appended
