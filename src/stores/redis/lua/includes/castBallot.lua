--- @include "includes/gate"

-- One fan's ballot in a category, the rules of cast-ballot-5 and cast-ballots-N written once:
-- the gate; every choice on the shortlist; one ballot per fan (DESIGN invariant 5), unless
-- changes are allowed: then it replaces the first, whose choices leave the tally; the
-- incremental tally (invariant 6) when `tallied` is '1'; the ballots counter on a first ballot.
--
-- Use: `local c = ballotCategory(...)`, then `castBallot(c, ...)` for each ballot in order,
-- then `saveCounts(c)` once, before the script returns.
--
-- Ballots never change a category's phase, deadline, pause or shortlist, and never read its
-- tally or its ballots counter: so within one script the gate and the shortlist are read once
-- (memos in `c`), and the tally and the counter are written once per option, at the end.

-- The category: its keys, the memos, and the counts its ballots changed. `batch` false (one
-- ballot) writes each count at once, as a series of HINCRBY; true keeps them for saveCounts,
-- which writes each option once. Filled as ballots need it:
--   gatePhase, gateNow, gateCode  the last gate checked and its answer
--   listed    option id -> on the shortlist (true|false)
--   ids       option ids whose votes changed, in the order first changed
--   add       option id -> S, and
--   atLeast   option id -> M: the votes become max(votes + S, M) (see countVote); absent: M = S
local function ballotCategory(state, shortlist, tally, meta, batch)
  return { state = state, shortlist = shortlist, tally = tally, meta = meta, batch = batch, ballots = 0 }
end

-- Adds `delta` to an option's votes as HINCRBY does, a count at or below zero removed (read as
-- 0 afterwards). One such step maps votes v >= 0 to max(v + delta, 0); a series of them
-- composes to max(v + S, M), S the sum of the deltas and M = max(M + delta, 0) from M = 0,
-- which is what a batch keeps. Until an option's first decrement M equals S, so M is only
-- kept from then on.
local function countVote(c, id, delta)
  if not c.batch then
    if redis.call('HINCRBY', c.tally, id, delta) <= 0 then redis.call('HDEL', c.tally, id) end
    return
  end
  local add = c.add
  if not add then
    add, c.ids = {}, {}
    c.add = add
  end
  local sum = add[id]
  if not sum then
    c.ids[#c.ids + 1] = id
    sum = 0
  end
  add[id] = sum + delta
  local atLeast = c.atLeast
  if delta < 0 or (atLeast and atLeast[id]) then
    if not atLeast then
      atLeast = {}
      c.atLeast = atLeast
    end
    local floor = (atLeast[id] or sum) + delta
    atLeast[id] = floor > 0 and floor or 0
  end
end

-- Casts one ballot; the choice is args[first..last] (none when first > last), `args` being
-- ARGV or the fields of a packed argument (cast-ballots-N).
-- Returns Code.Ok, changed (1|0), or a refusal code.
local function castBallot(c, bucketKey, phase, now, voterKey, allowChange, tallied, args, first, last)
  local code = c.gateCode
  if phase ~= c.gatePhase or now ~= c.gateNow then
    code = gate(c.state, phase, now, c.meta)
    c.gatePhase, c.gateNow, c.gateCode = phase, now, code
  end
  if code ~= Code.Ok then return code end
  local listed = c.listed
  if not listed then
    listed = {}
    c.listed = listed
  end
  for i = first, last do
    local on = listed[args[i]]
    if on == nil then
      on = redis.call('ZSCORE', c.shortlist, args[i]) ~= false
      listed[args[i]] = on
    end
    if not on then return Code.VoteNotShortlisted end
  end
  local choice, previous = table.concat(args, ',', first, last), false
  if allowChange == '1' then
    previous = redis.call('HGET', bucketKey, voterKey)
    redis.call('HSET', bucketKey, voterKey, choice)
  elseif redis.call('HSETNX', bucketKey, voterKey, choice) == 0 then
    return Code.VoteAlreadyCast
  end
  if tallied == '1' then
    if previous then
      for id in string.gmatch(previous, '[^,]+') do countVote(c, id, -1) end
    end
    for i = first, last do countVote(c, args[i], 1) end
  end
  if previous then return Code.Ok, 1 end
  c.ballots = c.ballots + 1
  return Code.Ok, 0
end

-- Writes what the category's ballots changed and did not write yet: the ballots counter, and
-- in a batch each option's votes, max(votes + S, M), a count at or below zero removed: one
-- HINCRBY per option, and more only when a count fell to zero and rose again.
local function saveCounts(c)
  if c.ballots > 0 then redis.call('HINCRBY', c.state, 'ballots', c.ballots) end
  if not c.ids then return end
  local atLeasts = c.atLeast
  for _, id in ipairs(c.ids) do
    local sum = c.add[id]
    local atLeast = atLeasts and atLeasts[id] or sum
    if sum ~= 0 or atLeast > 0 then
      local votes
      if sum ~= 0 then
        votes = redis.call('HINCRBY', c.tally, id, sum)
      else
        votes = tonumber(redis.call('HGET', c.tally, id)) or 0
      end
      local after = votes < atLeast and atLeast or votes
      if after <= 0 then
        redis.call('HDEL', c.tally, id)
      elseif after ~= votes then
        redis.call('HSET', c.tally, id, after)
      end
    end
  end
end
