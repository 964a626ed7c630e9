/**
 * What `cocreate run` does with campaigns before it starts them: a campaign whose phases are
 * all over is refused (it would close at once and announce "no winner" to real channels)
 * unless the operator says `--from-now` or `--allow-past`; and `--from-now` (what `npm start`
 * runs) resumes the session saved by the embedded store instead of throwing it away.
 */
import { readFile } from 'node:fs/promises';
import type { CampaignSpec } from '../model/campaign';
import { isoInstant } from '../model/time-bounds';
import { statePath } from './runtime';
import { shiftToNow } from './shift-to-now';

/** When the campaign's last category is revealed (UTC ms). */
export function lastReveal(spec: CampaignSpec): number {
  return Math.max(...spec.categories.map((c) => c.revealAt));
}

/** Whether every phase of every category is over at `now`. */
export function isOver(spec: CampaignSpec, now: number): boolean {
  return lastReveal(spec) <= now;
}

/** The `warning:` line `cocreate validate` prints for a campaign that is over; null when it is not. */
export function pastCampaignWarning(file: string, spec: CampaignSpec, now: number): string | null {
  if (!isOver(spec, now)) return null;
  return `warning: ${file}: every phase of campaign "${spec.id}" is over (its last reveal was at ${isoInstant(lastReveal(spec))}): `
    + '`cocreate run` refuses to start it unless given --from-now (to play it now) or --allow-past';
}

export interface PrepareOptions {
  readonly now: number;
  /** `--from-now`: the schedule moved so that the first phase opens now (or the saved session resumed). */
  readonly fromNow: boolean;
  /** `--allow-past`: start a campaign that is over anyway (its results are announced at once). */
  readonly allowPast: boolean;
  /** The embedded store's directory when it is used (no REDIS_URL): where sessions are saved. */
  readonly dataDir: string | null;
  /** Tells the operator what was done (one line each). */
  readonly notice: (line: string) => void;
}

export type Prepared = { readonly ok: true; readonly specs: CampaignSpec[] } | { readonly ok: false; readonly message: string };

/** The spec a saved embedded session was played with, or null when none is saved. */
async function savedSpec(path: string): Promise<CampaignSpec | null> {
  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as { spec?: CampaignSpec };
    return saved.spec ?? null;
  } catch {
    return null;
  }
}

/**
 * The campaigns `run` starts. With `--from-now`, a campaign the embedded store saved is
 * resumed as it was (its schedule, its ideas and ballots) and the operator is told how to
 * start afresh; any other is moved to now. Without it, a campaign that is over is refused,
 * naming it and the flags, unless `--allow-past`.
 */
export async function prepareCampaigns(specs: readonly CampaignSpec[], options: PrepareOptions): Promise<Prepared> {
  const prepared: CampaignSpec[] = [];
  for (const spec of specs) {
    if (!options.fromNow) {
      if (isOver(spec, options.now) && !options.allowPast) {
        return {
          ok: false,
          message: `campaign "${spec.id}" is over: every phase ended by ${isoInstant(lastReveal(spec))}, so starting it would close it at once and announce its results `
            + '(no winner) on its channels. Run it with --from-now to play it now, or with --allow-past to start it anyway.',
        };
      }
      prepared.push(spec);
      continue;
    }
    const path = options.dataDir === null ? null : statePath(spec.id, options.dataDir);
    const saved = path === null ? null : await savedSpec(path);
    if (saved !== null && saved.id === spec.id) {
      options.notice(`resuming campaign "${spec.id}" where the last session left it (saved in ${path}); to start it afresh, delete that file`);
      prepared.push(saved);
    } else {
      prepared.push(shiftToNow(spec, options.now));
    }
  }
  return { ok: true, specs: prepared };
}
