/**
 * What `cocreate run` does with campaigns before it starts them: a campaign whose phases are
 * all over is refused (it would close at once and announce "no winner" to real channels)
 * unless the operator says `--from-now` or `--allow-past`; and `--from-now` (what `npm start`
 * runs) resumes the session saved by the embedded store instead of throwing it away.
 */
import { readFile } from 'node:fs/promises';
import type { CampaignSpec } from '../model/campaign';
import { isoInstant } from '../model/time-bounds';
import { isOver, lastReveal } from './past-campaigns';
import { statePath } from './runtime';
import { shiftSpec } from '../config/definition';
import { shiftToNowBy } from './shift-to-now';

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

/** A campaign to start: its spec and how far its schedule was moved from the file's (ms). */
export interface PreparedCampaign {
  readonly spec: CampaignSpec;
  readonly shiftMs: number;
  /** Whether the state the embedded store saved is loaded (false: the campaign starts afresh). */
  readonly resume: boolean;
}

export type Prepared<T> = { readonly ok: true; readonly campaigns: (T & PreparedCampaign)[] } | { readonly ok: false; readonly message: string };

/**
 * A session the embedded store saved: its spec, and whether it is over (every category revealed,
 * as after `simulate`). A session whose time passed meanwhile is resumed: its missed transitions apply.
 */
async function savedSession(path: string): Promise<{ readonly spec: CampaignSpec; readonly over: boolean } | null> {
  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as { spec?: CampaignSpec; store?: { results?: readonly unknown[] } };
    if (!saved.spec) return null;
    const revealed = saved.store?.results?.length ?? 0;
    return { spec: saved.spec, over: revealed >= saved.spec.categories.length };
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
export async function prepareCampaigns<T extends { readonly spec: CampaignSpec }>(campaigns: readonly T[], options: PrepareOptions): Promise<Prepared<T>> {
  const prepared: (T & PreparedCampaign)[] = [];
  for (const campaign of campaigns) {
    const { spec } = campaign;
    if (!options.fromNow) {
      if (isOver(spec, options.now) && !options.allowPast) {
        return {
          ok: false,
          message: `campaign "${spec.id}" is over: every phase ended by ${isoInstant(lastReveal(spec))}, so starting it would close it at once and announce its results `
            + '(no winner) on its channels. Run it with --from-now to play it now, or with --allow-past to start it anyway.',
        };
      }
      prepared.push({ ...campaign, spec, shiftMs: 0, resume: true });
      continue;
    }
    const path = options.dataDir === null ? null : statePath(spec.id, options.dataDir);
    const session = path === null ? null : await savedSession(path);
    const saved = session?.spec.id === spec.id ? session.spec : null;
    if (saved !== null && !session!.over) {
      options.notice(`resuming campaign "${spec.id}" where the last session left it (saved in ${path}); to start it afresh, delete that file`);
      // The saved schedule is the file's, moved once: by the same amount for every window.
      prepared.push({ ...campaign, spec: saved, shiftMs: (saved.categories[0]?.revealAt ?? 0) - (spec.categories[0]?.revealAt ?? 0), resume: true });
    } else {
      if (saved !== null) {
        options.notice(`campaign "${spec.id}" saved in ${path} is over (every category revealed): starting it afresh from now; `
          + 'its saved results are replaced when this chat ends (copy the file first to keep them)');
      }
      const shiftMs = shiftToNowBy(spec, options.now);
      prepared.push({ ...campaign, spec: shiftSpec(spec, shiftMs), shiftMs, resume: false });
    }
  }
  return { ok: true, campaigns: prepared };
}
