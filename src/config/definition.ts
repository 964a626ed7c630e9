/**
 * A campaign's definition as the store keeps it (`CampaignStore.saveDefinition`): the campaign
 * file after validation (defaults applied) and how far its schedule was moved (`run
 * --from-now`). Reading it back validates the file again, as if it came from disk, so that a
 * definition written by another version of cocreate is either the same campaign or a clear
 * list of problems — never a half-understood one.
 */
import { z } from 'zod';
import type { CampaignSpec } from '../model/campaign';
import { formatObjectProblem, validateCampaignObject } from './campaign-object';
import type { CampaignFile } from './schema';

/** The version of the stored shape; a definition of another format is refused, not guessed at. */
export const DEFINITION_FORMAT = 1;

const envelopeSchema = z.strictObject({
  format: z.literal(DEFINITION_FORMAT),
  file: z.unknown(),
  shiftMs: z.int(),
});

export type DecodedDefinition =
  | { readonly ok: true; readonly spec: CampaignSpec; readonly file: CampaignFile; readonly shiftMs: number }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The text to store for a validated campaign file whose schedule runs `shiftMs` later than written. */
export function encodeDefinition(file: CampaignFile, shiftMs = 0): string {
  return JSON.stringify({ format: DEFINITION_FORMAT, file, shiftMs });
}

/**
 * Reads a stored definition back: the campaign (validated again, resolved, its schedule moved
 * as it ran) or why not, as `path: message` lines. Never throws.
 */
export function decodeDefinition(text: string): DecodedDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['the stored definition is not JSON'] };
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, problems: [`the stored definition is not a campaign definition of format ${DEFINITION_FORMAT}`] };
  const validated = validateCampaignObject(envelope.data.file);
  if (!validated.ok) return { ok: false, problems: validated.problems.map(formatObjectProblem) };
  const { shiftMs } = envelope.data;
  return { ok: true, spec: shiftSpec(validated.spec, shiftMs), file: validated.file, shiftMs };
}

/** The same campaign with every phase window and reveal moved by `by` ms. */
export function shiftSpec(spec: CampaignSpec, by: number): CampaignSpec {
  if (by === 0) return spec;
  return {
    ...spec,
    categories: spec.categories.map((c) => ({
      ...c, revealAt: c.revealAt + by, phases: c.phases.map((w) => ({ ...w, start: w.start + by, end: w.end + by })),
    })),
  };
}
