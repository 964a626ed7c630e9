--- @include "includes/keys"

-- A live proposal becomes `status` (withdrawn or rejected): it frees its author's slot and
-- leaves the shortlist, the likes ranking and the review queue.
local function leaveLive(key, base, id, p, status)
  redis.call('HSET', key, 'status', status)
  if p.authorKey then
    local authors = catKey(base, p.categoryId, 'authors')
    if redis.call('HINCRBY', authors, p.authorKey, -1) <= 0 then redis.call('HDEL', authors, p.authorKey) end
  end
  redis.call('ZREM', catKey(base, p.categoryId, 'shortlist'), id)
  redis.call('ZREM', catKey(base, p.categoryId, 'rank'), id)
  redis.call('ZREM', catKey(base, p.categoryId, 'review'), id)
end
