--[[
  Retention: removes the fans of a category's proposals — each proposal loses authorKey,
  authorName and platform, each likes set is deleted (the `likes` counts stay) — and the
  category's live-proposals-per-author index. Idempotent.

  Input:
    KEYS[1] the category's proposals list
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] categoryId

  Output:
    { Code.Ok, identities removed (authors and likes) }
]]
--- @include "codes"
--- @include "includes/keys"

local base, removed = KEYS[2], 0
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local key = proposalKey(base, id)
  removed = removed + redis.call('HDEL', key, 'authorKey')
  redis.call('HDEL', key, 'authorName', 'platform')
  local likes = base .. 'likes:' .. id
  removed = removed + redis.call('SCARD', likes)
  redis.call('DEL', likes)
end
redis.call('DEL', catKey(base, ARGV[1], 'authors'))
return { Code.Ok, removed }
