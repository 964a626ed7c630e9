--[[
  Reads a category's raw ballots, bucket after bucket from `first`, and stops after the bucket
  that brings the count to `want` or more, or at bucket `stop`. Each bucket is read whole, so
  across calls every ballot is read exactly once.

  Empty buckets are skipped a group at a time (one EXISTS for up to 64 of them), so a category
  with few ballots costs a few dozen calls instead of one per bucket (an HGETALL per bucket made
  a seal of an empty category hold Redis for tens of milliseconds on a slow machine).

  Input:
    KEYS[1] the prefix of the category's ballot buckets `<base>cat:<categoryId>:ballots:`;
            bucket n is KEYS[1] .. n (same hash tag, so the same cluster slot)

    ARGV[1] first bucket   ARGV[2] stop: the bucket after the last one this call may read (the
            number of buckets, or less to bound the call)   ARGV[3] want (ballots)

  Output:
    { next bucket (stop when done), voterKey, choice, voterKey, choice, ... }
]]
local GROUP = 64
local out = { 0 }
local bucket, stop, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
while bucket < stop and #out - 1 < 2 * want do
  local keys = {}
  for n = bucket, math.min(bucket + GROUP, stop) - 1 do keys[#keys + 1] = KEYS[1] .. n end
  if redis.call('EXISTS', unpack(keys)) == 0 then
    bucket = bucket + #keys
  else
    for i = 1, #keys do
      local fields = redis.call('HGETALL', keys[i])
      for j = 1, #fields do out[#out + 1] = fields[j] end
      bucket = bucket + 1
      if #out - 1 >= 2 * want then break end
    end
  end
end
out[1] = bucket
return out
