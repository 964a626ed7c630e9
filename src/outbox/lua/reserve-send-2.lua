--[[
  Paces sends with two sliding windows (a target's and the platform's): reserves one send when
  neither is full, else tells how long to wait. Time is Redis's, shared by every process.

  Input:
    KEYS[1] sends to the target (zset: member -> ms)
    KEYS[2] sends on the platform (zset: member -> ms)

    ARGV[1] target limit     ARGV[2] target window ms
    ARGV[3] platform limit   ARGV[4] platform window ms
      (a limit of 0: no such window)
    ARGV[5] a member unique to this send

  Output:
    0 when the send is reserved (send now), else the ms to wait before asking again
    (nothing is reserved then)
]]

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function waitFor(key, limit, window)
  if limit <= 0 then return 0 end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n < limit then return 0 end
  local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
local wait = math.max(waitFor(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])), waitFor(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4])))
if wait > 0 then return wait end
for i = 1, 2 do
  if tonumber(ARGV[i * 2 - 1]) > 0 then
    redis.call('ZADD', KEYS[i], now, ARGV[5])
    redis.call('PEXPIRE', KEYS[i], ARGV[i * 2])
  end
end
return 0
