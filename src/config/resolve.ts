/**
 * From a validated campaign file to the engine's model (src/model/campaign.ts).
 */
import { DEFAULT_ELIGIBILITY, type CampaignSpec, type CategorySpec, type EligibilityRules, type RateLimit, type TrustSpec } from '../model/campaign';
import { parseDuration } from './iso';
import type { DurationKind } from '../model/time-bounds';
import { planCategory } from './plan';
import type { CampaignFile } from './schema';

type EligibilityFile = NonNullable<CampaignFile['eligibility']>;
type RulesFile = Omit<EligibilityFile, 'propose' | 'vote'>;

function ms(iso: string, kind: DurationKind): number {
  const parsed = parseDuration(iso, kind);
  if (!parsed.ok) throw new Error(`resolveCampaign: ${parsed.message}`);
  return parsed.value.as('milliseconds');
}

/** A phase's rules: the phase's own keys over the campaign-wide ones, then the defaults. */
function eligibilityFor(all: EligibilityFile, phase: RulesFile | undefined): EligibilityRules {
  const pick = <K extends keyof RulesFile>(key: K): RulesFile[K] => phase?.[key] ?? all[key];
  const accountAge = pick('minAccountAge');
  const memberAge = pick('minMemberAge');
  return {
    ...(accountAge !== undefined ? { minAccountAgeMs: ms(accountAge, 'age') } : {}),
    ...(memberAge !== undefined ? { minMemberAgeMs: ms(memberAge, 'age') } : {}),
    requireRoles: pick('requireRoles') ?? DEFAULT_ELIGIBILITY.requireRoles,
    excludeRoles: pick('excludeRoles') ?? DEFAULT_ELIGIBILITY.excludeRoles,
    excludeUsers: pick('excludeUsers') ?? DEFAULT_ELIGIBILITY.excludeUsers,
    unknown: pick('unknown') ?? DEFAULT_ELIGIBILITY.unknown,
  };
}

function trustOf(file: CampaignFile): TrustSpec | undefined {
  const rate = (r: { max: number; per: string } | undefined): RateLimit | undefined => (r ? { max: r.max, perMs: ms(r.per, 'window') } : undefined);
  const proposals = rate(file.limits?.proposals);
  const likes = rate(file.limits?.likes);
  const trust: TrustSpec = {
    ...(file.eligibility ? { eligibility: { propose: eligibilityFor(file.eligibility, file.eligibility.propose), vote: eligibilityFor(file.eligibility, file.eligibility.vote) } } : {}),
    ...(proposals || likes ? { limits: { ...(proposals ? { proposals } : {}), ...(likes ? { likes } : {}) } } : {}),
    ...(file.retention !== undefined ? { retentionMs: ms(file.retention, 'retention') } : {}),
  };
  return Object.keys(trust).length > 0 ? trust : undefined;
}

/**
 * The engine-facing campaign: every category with its effective rules (a category's own
 * `proposals`, `shortlist`, `vote` or `reveal` replaces the campaign's) and its phase
 * windows in UTC epoch milliseconds. Takes a file that `validateCampaign` accepted; throws
 * on any other (that is a bug in the caller, not a problem of the file).
 */
export function resolveCampaign(file: CampaignFile): CampaignSpec {
  const categories = file.categories.map((category, index): CategorySpec => {
    const { spec, issues } = planCategory(file.id, file, category, index);
    if (spec === undefined) {
      throw new Error(`resolveCampaign: category ${category.id} is not valid (${issues.map((i) => i.message).join('; ')}); validate the file first`);
    }
    return spec;
  });
  const reminders = file.reminders.map((r) => {
    const before = parseDuration(r.before, 'reminder');
    if (!before.ok) throw new Error(`resolveCampaign: reminder ${r.phase} ${r.before} is not valid; validate the file first`);
    return { phase: r.phase, beforeMs: before.value.toMillis() };
  });
  const trust = trustOf(file);
  return {
    id: file.id, title: file.title, locale: file.locale, channels: file.channels, roles: file.roles, categories,
    colors: file.colors, reminders, ...(trust ? { trust } : {}), ...(file.allowLinks ? { allowLinks: true } : {}),
  };
}
