/**
 * Checks a parsed campaign file (any JSON-like value) and reports every problem at once:
 * the shape (zod), then the rules that tie keys together. Those run for every category that
 * is valid on its own, skipping only the checks that depend on an invalid campaign-level key.
 */
import type { z } from 'zod';
import { fromZodIssues, isRecord, uniqueIssues, valueAt, type Issue } from './issues';
import { planCategory, type CampaignRules, type InheritedKey } from './plan';
import { campaignFileSchema, categorySchema, type CampaignFile } from './schema';

export type Validation = { readonly ok: true; readonly file: CampaignFile } | { readonly ok: false; readonly issues: readonly Issue[] };

/** The campaign-level keys categories inherit; an invalid one gets its default and is named in `broken`. */
function inheritedRules(raw: Record<string, unknown>): { rules: CampaignRules; broken: ReadonlySet<InheritedKey> } {
  const broken = new Set<InheritedKey>();
  function part<S extends z.ZodType>(key: InheritedKey, schema: S, fallback: z.output<S>): z.output<S> {
    const parsed = schema.safeParse(raw[key]);
    if (parsed.success) return parsed.data;
    broken.add(key);
    return fallback;
  }
  const shape = campaignFileSchema.shape;
  const rules: CampaignRules = {
    schedule: part('schedule', shape.schedule, {}),
    proposals: part('proposals', shape.proposals, shape.proposals.parse(undefined)),
    shortlist: part('shortlist', shape.shortlist, undefined),
    vote: part('vote', shape.vote, shape.vote.parse(undefined)),
    reveal: part('reveal', shape.reveal, shape.reveal.parse(undefined)),
  };
  return { rules, broken };
}

function duplicateIds(categories: readonly unknown[]): Issue[] {
  const first = new Map<string, number>();
  const issues: Issue[] = [];
  categories.forEach((category, index) => {
    const id = valueAt(category, ['id']);
    if (typeof id !== 'string') return;
    const seen = first.get(id);
    if (seen === undefined) first.set(id, index);
    else issues.push({ path: ['categories', index, 'id'], message: `duplicate category id \`${id}\`: categories.${seen} already uses it; ids must be unique within a campaign` });
  });
  return issues;
}

/** Rules across keys, checked wherever the keys involved are valid on their own. */
function crossKeyIssues(raw: unknown): Issue[] {
  if (!isRecord(raw) || !Array.isArray(raw['categories'])) return [];
  const categories: readonly unknown[] = raw['categories'];
  const issues = duplicateIds(categories);
  const { rules, broken } = inheritedRules(raw);
  const campaignId = typeof raw['id'] === 'string' ? raw['id'] : '';
  categories.forEach((category, index) => {
    const parsed = categorySchema.safeParse(category);
    if (parsed.success) issues.push(...planCategory(campaignId, rules, parsed.data, index, broken).issues);
  });
  return issues;
}

/**
 * Validates a campaign file already read from YAML or JSON. Never throws for any input; on
 * success the file carries its defaults, and `resolveCampaign` accepts it.
 */
export function validateCampaign(raw: unknown): Validation {
  const shape = campaignFileSchema.safeParse(raw);
  const shapeIssues = shape.success ? [] : fromZodIssues(shape.error.issues, campaignFileSchema, raw);
  const issues = uniqueIssues([...shapeIssues, ...crossKeyIssues(raw)]);
  if (shape.success && issues.length === 0) return { ok: true, file: shape.data };
  return { ok: false, issues };
}
