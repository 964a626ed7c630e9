/**
 * A campaign whose phases are all over: `validate` warns about it and `run` refuses it unless
 * told (see prepare-campaigns.ts). Light on purpose: `validate` loads it.
 */
import type { CampaignSpec } from '../model/campaign';
import { isoInstant } from '../model/time-bounds';

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
