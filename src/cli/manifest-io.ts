/**
 * Reading a results manifest file (written by `cocreate results ID --format manifest`) for
 * `cocreate verify`: the file is outside input, so it is checked with zod before use.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MANIFEST_FORMAT, type ResultsManifest } from '../engine/manifest';
import type { AuditEntry } from '../model/audit';
import { isoInstant } from '../model/time-bounds';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const counts = z.record(z.string(), z.int().min(0));

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  campaign: z.string().min(1).max(64),
  scheme: z.string(),
  categories: z.array(z.object({
    id: z.string().min(1).max(64),
    // Compared as a whole with the campaign file's rule by the engine.
    rule: z.object({ vote: z.record(z.string(), z.unknown()), reveal: z.record(z.string(), z.unknown()) }),
    seed: z.string(),
    ballots: z.int().min(0),
    tally: counts,
    rounds: z.array(counts).optional(),
    winners: z.array(z.object({ id: z.string(), votes: z.number() })),
    ballotsDigest: hex64,
    ballotList: z.array(z.tuple([hex64, z.array(z.string())])).optional(),
  })),
});

/** The manifest in `path`, or a one-line reason why it cannot be read. */
export async function readManifest(path: string): Promise<{ ok: true; manifest: ResultsManifest } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `${path} is not JSON` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${path} is not a results manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, manifest: parsed.data as unknown as ResultsManifest };
}

/** One audit entry as a line: time, actor, action, what, before → after. */
export function auditLine(e: AuditEntry): string {
  const what = [e.categoryId, e.target === undefined ? undefined : `#${e.target}`].filter(Boolean).join(' ');
  const change = e.before === undefined && e.after === undefined ? '' : `  ${JSON.stringify(e.before ?? null)} -> ${JSON.stringify(e.after ?? null)}`;
  return `${isoInstant(e.at)}  ${e.actor.platform}:${e.actor.userId} (${JSON.stringify(e.actor.displayName)})  ${e.action}${what ? `  ${what}` : ''}${change}`;
}

const BALLOT = '\u0000ballot:';

/** The manifest as indented JSON with one ballot per line (the list can hold millions). */
export function manifestJson(manifest: ResultsManifest): string {
  const text = JSON.stringify(manifest, (key, value: unknown) =>
    (key === 'ballotList' && Array.isArray(value) ? value.map((entry) => BALLOT + JSON.stringify(entry)) : value), 2);
  // Each marked entry was written as a JSON string: put its compact JSON back in place.
  return `${text.replace(/"\\u0000ballot:((?:[^"\\]|\\.)*)"/g, (_, body: string) => JSON.parse(`"${body}"`) as string)}\n`;
}
