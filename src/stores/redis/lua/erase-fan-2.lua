--[[
  Erases one fan's identity from a campaign in one step (fans' data rights, /forgetme), so
  that every tally still equals its recount (see CampaignStore.eraseFan):
  - a ballot in a category not yet revealed is withdrawn: it leaves the tally (when tallied)
    and the ballots counter; the fan may vote again, with one ballot;
  - a ballot in a revealed category moves to the anonymous field given for that category
    (`anon:<fan hash>`, which keeps the ballot's hash in the results manifest) of the same
    bucket: choice, tally and counter unchanged;
  - a like on a live proposal of a category in `propose` is withdrawn (count and ranking
    decremented); any other like keeps its count and loses its fan;
  - the fan's proposals keep their text and lose authorKey, authorName and platform;
  - the fan's rate-limit windows are deleted.

  Input:
    KEYS[1] meta hash (unused since tombstones became `anon:<hash>`; kept for the key layout)
    KEYS[2] the campaign's key base `<prefix>{<campaignId>}:`

    ARGV[1] fanKey   ARGV[2] the fan's ballot bucket number
    ARGV[3..] triples: categoryId, tallied '1'|'0', the anonymous voter key of the fan's ballot
              there (every category of the campaign)

  Output:
    { Code.Ok, ballotsWithdrawn, ballotsAnonymized, likesWithdrawn, likesAnonymized, proposal id... }
]]
--- @include "codes"
--- @include "includes/keys"

local fan, base = ARGV[1], KEYS[2]
local withdrawn, anonymized, likesWithdrawn, likesAnonymized = 0, 0, 0, 0
local proposals = {}
for i = 3, #ARGV - 2, 3 do
  local categoryId, tallied, anon = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local state = catKey(base, categoryId, 'state')
  local phase = redis.call('HGET', state, 'phase')
  if phase then
    local bucket = catKey(base, categoryId, 'ballots:' .. ARGV[2])
    local choice = redis.call('HGET', bucket, fan)
    if choice then
      redis.call('HDEL', bucket, fan)
      if phase == 'reveal' then
        redis.call('HSET', bucket, anon, choice)
        anonymized = anonymized + 1
      else
        if tallied == '1' then
          local tally = catKey(base, categoryId, 'tally')
          for id in string.gmatch(choice, '[^,]+') do
            if redis.call('HINCRBY', tally, id, -1) <= 0 then redis.call('HDEL', tally, id) end
          end
        end
        redis.call('HINCRBY', state, 'ballots', -1)
        withdrawn = withdrawn + 1
      end
    end
    local rank = catKey(base, categoryId, 'rank')
    for _, id in ipairs(redis.call('LRANGE', catKey(base, categoryId, 'proposals'), 0, -1)) do
      local key = proposalKey(base, id)
      if redis.call('SREM', base .. 'likes:' .. id, fan) == 1 then
        local status = redis.call('HGET', key, 'status')
        if phase == 'propose' and (status == 'active' or status == 'review') then
          redis.call('HINCRBY', key, 'likes', -1)
          redis.call('ZINCRBY', rank, '-4294967296', id)
          likesWithdrawn = likesWithdrawn + 1
        else
          likesAnonymized = likesAnonymized + 1
        end
      end
      if redis.call('HGET', key, 'authorKey') == fan then
        redis.call('HDEL', key, 'authorKey', 'authorName', 'platform')
        proposals[#proposals + 1] = id
      end
    end
    redis.call('HDEL', catKey(base, categoryId, 'authors'), fan)
  end
end
redis.call('DEL', base .. 'rate:proposals:' .. fan, base .. 'rate:likes:' .. fan)
local out = { Code.Ok, withdrawn, anonymized, likesWithdrawn, likesAnonymized }
for _, id in ipairs(proposals) do out[#out + 1] = id end
return out
