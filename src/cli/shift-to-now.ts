import type { CampaignSpec } from '../model/campaign';

/** The same campaign, with every window moved so that its first phase opens at `now`. */
export function shiftToNow(spec: CampaignSpec, now: number): CampaignSpec {
  const first = Math.min(...spec.categories.map((c) => c.phases[0]?.start ?? c.revealAt));
  const by = now - first;
  return {
    ...spec,
    categories: spec.categories.map((c) => ({
      ...c, revealAt: c.revealAt + by, phases: c.phases.map((w) => ({ ...w, start: w.start + by, end: w.end + by })),
    })),
  };
}
