--[[
  Pause, resume or extend: compare-and-set on the phase and the paused state, then sets the
  deadline, shift and pausedAt, bumps the version and appends the events, in one step.

  Input:
    KEYS[1] category state hash
    KEYS[2] the campaign's event stream
    KEYS[3] the set of event ids already appended

    ARGV[1] phase   ARGV[2] expect 'running' (pausedAt empty) | 'paused' (pausedAt set)
    ARGV[3] deadline (UTC ms, '' for none)   ARGV[4] shift (ms)   ARGV[5] pausedAt ('' for running)
    ARGV[6..] events, as triples (id, fill '0', JSON)

  Output:
    { Code.Ok } or { Code.NotApplied }
]]
--- @include "codes"
--- @include "includes/appendEvents"

local state = redis.call('HMGET', KEYS[1], 'phase', 'pausedAt')
if state[1] ~= ARGV[1] then return { Code.NotApplied } end
if (state[2] == '') ~= (ARGV[2] == 'running') then return { Code.NotApplied } end
redis.call('HSET', KEYS[1], 'deadline', ARGV[3], 'shift', ARGV[4], 'pausedAt', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'version', 1)
appendEvents(KEYS[2], KEYS[3], 6, nil)
return { Code.Ok }
