--- @include "includes/keys"

local function toBase36(n)
  local digits = '0123456789abcdefghijklmnopqrstuvwxyz'
  local s = ''
  repeat
    local d = n % 36
    s = string.sub(digits, d + 1, d + 1) .. s
    n = (n - d) / 36
  until n == 0
  return s
end

-- Allocates the campaign's next seq and id (base 36 of seq) and indexes a new active proposal:
-- creation order, duplicate index, likes ranking (score likes * 2^32 - seq: most likes first,
-- then earliest), and its author's live count. `author` is nil for a fixed option.
local function createProposal(metaKey, base, categoryId, text, normalized, createdAt, author)
  local seq = redis.call('HINCRBY', metaKey, 'seq', 1)
  local id = toBase36(seq)
  local fields = { 'id', id, 'categoryId', categoryId, 'text', text, 'normalized', normalized,
    'createdAt', createdAt, 'seq', seq, 'status', 'active', 'likes', 0 }
  if author then
    for _, v in ipairs({ 'authorKey', author.key, 'authorName', author.name, 'platform', author.platform }) do
      fields[#fields + 1] = v
    end
    redis.call('HINCRBY', catKey(base, categoryId, 'authors'), author.key, 1)
  end
  redis.call('HSET', proposalKey(base, id), unpack(fields))
  redis.call('RPUSH', catKey(base, categoryId, 'proposals'), id)
  redis.call('HINCRBY', catKey(base, categoryId, 'texts'), normalized, 1)
  redis.call('ZADD', catKey(base, categoryId, 'rank'), -seq, id)
  return id, seq
end
