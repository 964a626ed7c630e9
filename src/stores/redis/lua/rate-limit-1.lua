--[[
  A per-fan sliding window (anti-spam), atomic: keeps the times of the fan's actions of one
  kind in a sorted set; when fewer than `max` fall within the window ending now, records this
  one and answers Ok; otherwise records nothing and answers how long until the oldest leaves.

  Input:
    KEYS[1] the fan's window zset `<base>rate:<kind>:<fanKey>` (member: a unique nonce, score: time)

    ARGV[1] now (UTC ms)   ARGV[2] max   ARGV[3] window (ms)   ARGV[4] a unique member for this action

  Output:
    { Code.Ok } or { Code.RateLimited, ms to wait }
]]
--- @include "codes"

local now, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  local wait = oldest + window - now
  if wait < 1 then wait = 1 end
  return { Code.RateLimited, wait }
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return { Code.Ok }
