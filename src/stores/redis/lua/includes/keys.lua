-- The keys of a campaign, built from its base `<prefix>{<campaignId>}:` exactly as store.ts
-- builds them with CampaignKeys.key(...): every one carries the campaign's hash tag.
local function catKey(base, categoryId, name)
  return base .. 'cat:' .. categoryId .. ':' .. name
end

local function proposalKey(base, id)
  return base .. 'p:' .. id
end
