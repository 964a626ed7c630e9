import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pastCampaignWarning } from '../../src/cli/past-campaigns';
import { prepareCampaigns } from '../../src/cli/prepare-campaigns';
import { statePath } from '../../src/cli/runtime';
import { campaign } from '../render/campaign.fixture';

const NOW = Date.UTC(2026, 5, 1);
const quiet = { notice: () => {} };

describe('a campaign whose phases are all over', () => {
  it('is refused by run, naming the campaign and both flags', async () => {
    const r = await prepareCampaigns([{ spec: campaign }], { now: NOW, fromNow: false, allowPast: false, dataDir: null, ...quiet });
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^campaign "crunch-super-social-movie" is over: every phase ended by 2013-04-15T08:00:00\.000Z.*--from-now.*--allow-past/) });
  });

  it('starts with --allow-past as it is, and with --from-now moved to now', async () => {
    const past = await prepareCampaigns([{ spec: campaign }], { now: NOW, fromNow: false, allowPast: true, dataDir: null, ...quiet });
    expect(past.ok && past.campaigns[0]?.spec).toBe(campaign);
    const now = await prepareCampaigns([{ spec: campaign }], { now: NOW, fromNow: true, allowPast: false, dataDir: null, ...quiet });
    expect(now.ok && now.campaigns[0]?.spec.categories[0]?.phases[0]?.start).toBe(NOW);
  });

  it('gets a warning line from validate, and none when it is still to come', () => {
    expect(pastCampaignWarning('c.yaml', campaign, NOW)).toMatch(/^warning: c\.yaml: every phase of campaign "crunch-super-social-movie" is over/);
    expect(pastCampaignWarning('c.yaml', campaign, Date.UTC(2013, 0, 1))).toBeNull();
  });
});

describe('npm start (run --from-now) and the saved session', () => {
  it('resumes the campaign the last session saved, says so and how to start afresh', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cocreate-resume-'));
    const played = { ...campaign, categories: campaign.categories.map((c) => ({ ...c, revealAt: c.revealAt + 1 })) };
    writeFileSync(statePath(campaign.id, dataDir), JSON.stringify({ spec: played, store: {} }));
    const notices: string[] = [];
    const r = await prepareCampaigns([{ spec: campaign }], { now: NOW, fromNow: true, allowPast: false, dataDir, notice: (l) => notices.push(l) });
    expect(r.ok && r.campaigns[0]?.spec).toEqual(played);
    expect(notices).toEqual([expect.stringMatching(/^resuming campaign "crunch-super-social-movie" where the last session left it \(saved in .*crunch-super-social-movie\.json\); to start it afresh, delete that file$/)]);
  });

  it('starts afresh, and says so, when the saved session is over (a simulated campaign, say)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cocreate-over-'));
    const results = campaign.categories.map((c) => ({ categoryId: c.id }));
    writeFileSync(statePath(campaign.id, dataDir), JSON.stringify({ spec: campaign, store: { results } }));
    const notices: string[] = [];
    const r = await prepareCampaigns([{ spec: campaign }], { now: NOW, fromNow: true, allowPast: false, dataDir, notice: (l) => notices.push(l) });
    expect(r.ok && r.campaigns[0]?.resume).toBe(false);
    expect(r.ok && r.campaigns[0]?.spec.categories[0]?.phases[0]?.start).toBe(NOW);
    expect(notices).toEqual([expect.stringMatching(/^campaign "crunch-super-social-movie" saved in .* is over \(every category revealed\): starting it afresh from now/)]);
  });

  it('moves the schedule to now when nothing was saved', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cocreate-fresh-'));
    const r = await prepareCampaigns([{ spec: campaign }], { now: NOW, fromNow: true, allowPast: false, dataDir, ...quiet });
    expect(r.ok && r.campaigns[0]?.spec.categories[0]?.phases[0]?.start).toBe(NOW);
  });
});
