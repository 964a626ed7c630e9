--[[
  Counts the lanes of a stream that have an entry in flight or not read yet.

  Input:
    KEYS[1] the event stream

    ARGV    the groups (lanes) to look at

  Output:
    that count (0 when the stream does not exist)
]]

if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
end
local wanted = {}
for i = 1, #ARGV do wanted[ARGV[i]] = true end
local busy = 0
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local f = {}
  for i = 1, #group, 2 do f[group[i]] = group[i + 1] end
  if wanted[f['name']] and (f['pending'] > 0 or f['last-delivered-id'] ~= last) then busy = busy + 1 end
end
return busy
