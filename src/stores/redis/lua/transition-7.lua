--[[
  Phase compare-and-set (DESIGN invariant 3): applies only if the category is in `from` (and,
  when given, at `expectVersion`). Then, in the same step: sets the phase and deadline, bumps
  the version, seeds the shortlist if asked, and appends the events to the campaign's stream
  (a shortlist.published event sent without items gets the shortlist as it stands).

  Input:
    KEYS[1] category state hash
    KEYS[2] category shortlist zset (id -> seq)
    KEYS[3] category likes ranking zset (live ids -> likes * 2^32 - seq)
    KEYS[4] category review zset (ids in review -> seq)
    KEYS[5] the campaign's event stream
    KEYS[6] the set of event ids already appended
    KEYS[7] the campaign's key base `<prefix>{<campaignId>}:` (proposal hashes)

    ARGV[1] from phase   ARGV[2] expectVersion ('' for any)   ARGV[3] to phase
    ARGV[4] deadline (UTC ms, '' for none)
    ARGV[5] seed: '' (keep the shortlist), 'likes' or 'threshold'
    ARGV[6] seed size ('' for no limit)
    ARGV[7..] events, as triples (id, fill '1'|'0', JSON)

  Output:
    { Code.Ok } or { Code.NotApplied }
]]
--- @include "codes"
--- @include "includes/keys"
--- @include "includes/appendEvents"

local state = redis.call('HMGET', KEYS[1], 'phase', 'version')
if state[1] ~= ARGV[1] then return { Code.NotApplied } end
if ARGV[2] ~= '' and state[2] ~= ARGV[2] then return { Code.NotApplied } end
redis.call('HSET', KEYS[1], 'phase', ARGV[3], 'deadline', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'version', 1)

if ARGV[5] ~= '' then
  local size = tonumber(ARGV[6]) -- nil: no limit
  local ids = {}
  if size == nil or size > 0 then
    local last = size and size - 1 or -1
    if ARGV[5] == 'likes' then
      ids = redis.call('ZREVRANGE', KEYS[3], 0, last)
    else
      ids = redis.call('ZRANGE', KEYS[4], 0, last)
    end
  end
  redis.call('DEL', KEYS[2])
  for _, id in ipairs(ids) do
    redis.call('ZADD', KEYS[2], redis.call('HGET', proposalKey(KEYS[7], id), 'seq'), id)
  end
end

local function items()
  local listed = {}
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    local f = redis.call('HMGET', proposalKey(KEYS[7], id), 'text', 'authorName')
    local item = { id = id, text = f[1] }
    if f[2] then item.author = f[2] end
    listed[#listed + 1] = cjson.encode(item)
  end
  return '[' .. table.concat(listed, ',') .. ']'
end

appendEvents(KEYS[5], KEYS[6], 7, items)
return { Code.Ok }
