--[[
  Retention: moves the ballots of a category's buckets [first, first + count) to anonymous
  tombstone fields `erased:<n>` (same bucket, same choice), so the tally and the recount stay
  equal and no fan key is left. Fields already anonymous are left alone (idempotent).

  Input:
    KEYS[1] meta hash (field `erased`: the last tombstone number)
    KEYS[2] the prefix of the category's ballot buckets `<base>cat:<categoryId>:ballots:`

    ARGV[1] first bucket   ARGV[2] number of buckets to do   ARGV[3] number of buckets in all

  Output:
    { next bucket (the number of buckets when done), ballots anonymized }
]]
local first, todo, buckets = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local last = math.min(first + todo, buckets)
local moved = 0
for bucket = first, last - 1 do
  local key = KEYS[2] .. bucket
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 7) ~= 'erased:' then
      local n = redis.call('HINCRBY', KEYS[1], 'erased', 1)
      redis.call('HDEL', key, fields[i])
      redis.call('HSET', key, 'erased:' .. n, fields[i + 1])
      moved = moved + 1
    end
  end
end
return { last, moved }
