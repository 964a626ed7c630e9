import type { CampaignSpec } from '../model/campaign';
import { shiftSpec } from '../config/definition';

/** How far `spec`'s schedule moves so that its first phase opens at `now` (ms; negative for a future campaign). */
export function shiftToNowBy(spec: CampaignSpec, now: number): number {
  return now - Math.min(...spec.categories.map((c) => c.phases[0]?.start ?? c.revealAt));
}

/** The same campaign, with every window moved so that its first phase opens at `now`. */
export function shiftToNow(spec: CampaignSpec, now: number): CampaignSpec {
  return shiftSpec(spec, shiftToNowBy(spec, now));
}
