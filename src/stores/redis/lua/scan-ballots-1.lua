--[[
  Reads a category's raw ballots, bucket after bucket from `first`, and stops after the bucket
  that brings the count to `want` or more, or after the last bucket. Each bucket is read whole,
  so across calls every ballot is read exactly once.

  Input:
    KEYS[1] the prefix of the category's ballot buckets `<base>cat:<categoryId>:ballots:`;
            bucket n is KEYS[1] .. n (same hash tag, so the same cluster slot)

    ARGV[1] first bucket   ARGV[2] number of buckets   ARGV[3] want (ballots)

  Output:
    { next bucket (the number of buckets when done), voterKey, choice, voterKey, choice, ... }
]]
local out = { 0 }
local bucket, buckets, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
while bucket < buckets and #out - 1 < 2 * want do
  local fields = redis.call('HGETALL', KEYS[1] .. bucket)
  for i = 1, #fields do out[#out + 1] = fields[i] end
  bucket = bucket + 1
end
out[1] = bucket
return out
