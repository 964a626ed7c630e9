/**
 * The runtime a host program embeds (src/index.ts), on the embedded store and a virtual clock:
 * campaigns validated as `validate` does, the engine's entry point, the host's events, attach.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CocreateError, createCocreate, formatCampaignProblem, VirtualClock,
  type Actor, type AttachContext, type CampaignEvent, type CampaignFileInput, type Cocreate, type CocreateEvents, type HostPlatform,
} from '../../src';
import { formatProblem, loadCampaignFile, parseCampaignText } from '../../src/config/loader';

const ROOT = join(__dirname, '../..');
const CRUNCH = join(ROOT, 'campaigns/crunch-super-social-movie.yaml');
const T0 = Date.parse('2030-03-04T09:00:00Z');
const DAY = 24 * 3_600_000;

/** A vote among fixed options, and a category where fans propose, both open at T0. */
function campaign(id = 'host-campaign'): CampaignFileInput {
  return {
    id, title: 'Host campaign', locale: 'en',
    schedule: { propose: { start: '2030-03-04T09:00:00Z', duration: 'P1D' }, shortlist: { duration: 'P1D' }, vote: { duration: 'P1D' } },
    shortlist: { by: 'likes', size: 3 },
    categories: [
      { id: 'flavour', title: 'The flavour', options: ['Raspberry', 'Salted caramel', 'Lemon'], schedule: { vote: { start: '2030-03-04T09:00:00Z', duration: 'P1D' } } },
      { id: 'line', title: 'The line' },
    ],
  };
}

/** The shortlist of a category, as a fan lists it. */
async function shortlist(cocreate: Cocreate, campaignId: string, categoryId: string): Promise<readonly { id: string; text: string }[]> {
  const result = await cocreate.execute({ type: 'shortlist.list', campaignId, categoryId }, { platform: 'telegram', userId: '999', displayName: 'Lister' });
  if (!result.ok || result.type !== 'shortlist.list') throw new Error(`shortlist.list refused: ${JSON.stringify(result)}`);
  return result.proposals;
}

const fan = (n: number): Actor => ({ platform: 'discord', userId: `10000000000000000${n}`, displayName: `Fan ${n}` });
const manager: Actor = { platform: 'local', userId: 'lea', displayName: 'Léa', grantedRoles: ['manager'] };

/** The events of `names` the runtime emits, recorded. */
function record(cocreate: Cocreate) {
  const seen: { [K in keyof CocreateEvents]: CocreateEvents[K][] } = { proposal: [], ballot: [], reveal: [], error: [] };
  for (const name of Object.keys(seen) as (keyof CocreateEvents)[]) cocreate.on(name, (e) => void (seen[name] as unknown[]).push(e));
  return seen;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function started(clock = new VirtualClock(T0 + 60_000)): Promise<{ cocreate: Cocreate; clock: VirtualClock }> {
  const cocreate = await createCocreate({ campaigns: [campaign()], clock });
  await cocreate.start();
  return { cocreate, clock };
}

describe('createCocreate: the campaigns', () => {
  it('takes campaign files and campaign objects, validated and resolved', async () => {
    const cocreate = await createCocreate({ campaigns: [CRUNCH, campaign()] });
    expect(cocreate.campaigns.map((c) => c.id)).toEqual(['crunch-super-social-movie', 'host-campaign']);
    const crunch = loadCampaignFile(CRUNCH);
    expect(crunch.ok && cocreate.campaigns[0]).toEqual(crunch.ok && crunch.spec);
    await cocreate.stop();
  });

  it('refuses a campaign object that fails the schema with the problems validate lists for it, without FILE:LINE:COL', async () => {
    const text = readFileSync(CRUNCH, 'utf8').replace('locale: fr', 'locale: de').replace('id: cult-line', 'id: Cult Line');
    const parsed = parseCampaignText(text, 'c.yaml');
    const expected = parsed.ok ? [] : parsed.problems.map((p) => formatProblem(p).replace(/^c\.yaml:\d+:\d+ /, ''));
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const error = await createCocreate({ campaigns: [parse(text) as CampaignFileInput] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CocreateError);
    const refused = error as CocreateError;
    expect(refused.code).toBe('campaign.invalid');
    expect(refused.problems.map(formatCampaignProblem).sort()).toEqual([...expected].sort());
    expect(refused.problems.every((p) => p.campaign === 0 && p.file === undefined)).toBe(true);
    expect(refused.message.split('\n').slice(1).sort()).toEqual([...expected].sort());
  });

  it('refuses a campaign file with validate\'s own lines, FILE:LINE:COL included, and names which entry failed', async () => {
    const error = (await createCocreate({ campaigns: [campaign(), join(ROOT, 'campaigns/nope.yaml')] }).catch((e: unknown) => e)) as CocreateError;
    expect(error.code).toBe('campaign.invalid');
    expect(error.problems).toEqual([{ campaign: 1, file: join(ROOT, 'campaigns/nope.yaml'), line: 1, col: 1, path: '', message: 'cannot read the file: no such file' }]);
    expect(error.message).toBe(`invalid campaign:\n${join(ROOT, 'campaigns/nope.yaml')}:1:1 (root): cannot read the file: no such file`);
  });

  it('refuses two campaigns with one id, and an empty list', async () => {
    const twice = (await createCocreate({ campaigns: [campaign(), campaign()] }).catch((e: unknown) => e)) as CocreateError;
    expect([twice.code, twice.message]).toEqual(['campaign.invalid', 'two campaigns declare the id "host-campaign" (campaigns 0 and 1)']);
    expect(((await createCocreate({ campaigns: [] }).catch((e: unknown) => e)) as CocreateError).code).toBe('campaign.invalid');
  });

  it('says clearly when the Redis store cannot be reached', async () => {
    const error = (await createCocreate({ campaigns: [campaign()], store: { redisUrl: 'redis://127.0.0.1:1' } }).catch((e: unknown) => e)) as CocreateError;
    expect(error.code).toBe('store.unreachable');
    expect(error.message).toMatch(/^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});

describe('a running cocreate', () => {
  it('tells the host each accepted proposal and ballot, once durable, without the ballot\'s choice', async () => {
    const { cocreate } = await started();
    const seen = record(cocreate);
    const proposed = await cocreate.execute({ type: 'propose', campaignId: 'host-campaign', categoryId: 'line', text: 'Ça croque ou ça craque ?' }, fan(1));
    expect(proposed.ok).toBe(true);
    expect(seen.proposal).toEqual([{
      campaignId: 'host-campaign', categoryId: 'line', proposalId: proposed.ok && proposed.type === 'propose' ? proposed.proposal.id : '', text: 'Ça croque ou ça craque ?',
      fan: 'discord:100000000000000001', author: 'Fan 1', platform: 'discord', at: T0 + 60_000,
    }]);
    const [option] = await shortlist(cocreate, 'host-campaign', 'flavour');
    expect((await cocreate.execute({ type: 'vote', campaignId: 'host-campaign', categoryId: 'flavour', choice: [option!.id] }, fan(2))).ok).toBe(true);
    expect((await cocreate.execute({ type: 'vote', campaignId: 'host-campaign', categoryId: 'flavour', choice: [option!.id] }, fan(2))).ok).toBe(true);
    expect(seen.ballot).toEqual([
      { campaignId: 'host-campaign', categoryId: 'flavour', fan: 'discord:100000000000000002', changed: false, at: T0 + 60_000 },
      { campaignId: 'host-campaign', categoryId: 'flavour', fan: 'discord:100000000000000002', changed: true, at: T0 + 60_000 },
    ]);
    await cocreate.stop();
  });

  it('answers refusals as typed values and tells the host nothing of them', async () => {
    const { cocreate } = await started();
    const seen = record(cocreate);
    expect(await cocreate.execute({ type: 'vote', campaignId: 'host-campaign', categoryId: 'flavour', choice: ['nope'] }, fan(3))).toMatchObject({ ok: false, code: 'vote.not-shortlisted' });
    expect(await cocreate.execute({ type: 'propose', campaignId: 'other', categoryId: 'line', text: 'Hello there' }, fan(3))).toMatchObject({ ok: false, code: 'campaign.unknown' });
    expect(await cocreate.execute({ type: 'advance', campaignId: 'host-campaign' }, fan(3))).toEqual({ ok: false, code: 'actor.not-allowed' });
    expect([seen.proposal, seen.ballot]).toEqual([[], []]);
    await cocreate.stop();
  });

  it('tells the host each category\'s results once, when the vote closes on time or a manager closes it', async () => {
    const { cocreate, clock } = await started();
    const seen = record(cocreate);
    const options = await shortlist(cocreate, 'host-campaign', 'flavour');
    for (const [n, choice] of [[1, 0], [2, 1], [3, 1]] as const) {
      expect((await cocreate.execute({ type: 'vote', campaignId: 'host-campaign', categoryId: 'flavour', choice: [options[choice]!.id] }, fan(n))).ok).toBe(true);
    }
    expect((await cocreate.execute({ type: 'propose', campaignId: 'host-campaign', categoryId: 'line', text: 'One for all' }, fan(4))).ok).toBe(true);
    await clock.runUntil(T0 + DAY + 1); // the flavour's vote closes (and the line's proposals)
    await until(() => seen.reveal.length === 1, 'the reveal');
    expect(seen.reveal[0]).toMatchObject({ campaignId: 'host-campaign', categoryId: 'flavour', ballots: 3, winners: [{ id: options[1]!.id, text: 'Salted caramel', votes: 2 }] });
    expect(seen.reveal[0]!.standings.map((s) => [s.text, s.votes, s.winner])).toEqual([['Salted caramel', 2, true], ['Raspberry', 1, false], ['Lemon', 0, false]]);
    expect((await cocreate.results('host-campaign')).categories.find((c) => c.id === 'flavour')?.ballots).toBe(3);
    // The other category: a manager closes its shortlist, then its vote.
    for (let i = 0; i < 2; i++) expect((await cocreate.execute({ type: 'advance', campaignId: 'host-campaign', categoryId: 'line' }, manager)).ok).toBe(true);
    await until(() => seen.reveal.length === 2, 'the second reveal');
    expect(seen.reveal[1]).toMatchObject({ categoryId: 'line', ballots: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.reveal).toHaveLength(2);
    expect(seen.error).toEqual([]);
    await cocreate.stop();
  });

  it('keeps a failing listener away from the fan\'s answer and reports it as an error event', async () => {
    const { cocreate } = await started();
    const errors: CocreateEvents['error'][] = [];
    cocreate.on('error', (e) => void errors.push(e));
    cocreate.on('proposal', () => { throw new Error('host bug'); });
    cocreate.on('proposal', async () => { throw new Error('async host bug'); });
    expect((await cocreate.execute({ type: 'propose', campaignId: 'host-campaign', categoryId: 'line', text: 'Still recorded' }, fan(5))).ok).toBe(true);
    await until(() => errors.length === 2, 'both errors');
    expect(errors.map((e) => [(e.error as Error).message, e.context])).toEqual([['host bug', 'a proposal listener failed'], ['async host bug', 'a proposal listener failed']]);
    await cocreate.stop();
  });

  it('stops cleanly: a command after stop() is answered bot.restarting; the runtime cannot start again', async () => {
    const { cocreate } = await started();
    const stopping = cocreate.stop();
    expect(await cocreate.execute({ type: 'status', campaignId: 'host-campaign' }, fan(6))).toEqual({ ok: false, code: 'bot.restarting' });
    await stopping;
    await cocreate.stop(); // idempotent
    expect(((await cocreate.start().catch((e: unknown) => e)) as CocreateError).code).toBe('runtime.stopped');
  });

  it('refuses to start twice', async () => {
    const { cocreate } = await started();
    expect(((await cocreate.start().catch((e: unknown) => e)) as CocreateError).code).toBe('runtime.already-started');
    await cocreate.stop();
  });
});

describe('attach: a platform on the host\'s own client', () => {
  /** A platform that records what it is given and delivered; `fail` makes attach reject after registering. */
  function platform(name: string, options: { platform?: 'discord' | 'telegram' | 'local'; fail?: boolean } = {}) {
    const delivered: CampaignEvent[] = [];
    let context: AttachContext | undefined;
    let detached = 0;
    const host: HostPlatform = {
      name,
      attach: async (ctx) => {
        context = ctx;
        ctx.deliver(options.platform ?? 'discord', async (event) => void delivered.push(event), (campaignId) => [{ platform: options.platform ?? 'discord', channel: `${campaignId}/1` }]);
        if (options.fail) throw new Error('the host client is not logged in');
        return { detach: async () => void detached++ };
      },
    };
    return { host, delivered, context: () => context, detached: () => detached };
  }

  it('gives the platform the campaigns and the engine\'s entry point, delivers announcements to it, and detaches it on stop', async () => {
    const cocreate = await createCocreate({ campaigns: [campaign()], clock: new VirtualClock(T0 + 60_000) });
    const seen = record(cocreate);
    const discord = platform('discord');
    await cocreate.attach(discord.host);
    await cocreate.start();
    const ctx = discord.context()!;
    expect(ctx.campaigns.map((c) => c.id)).toEqual(['host-campaign']);
    expect((await ctx.execute({ type: 'propose', campaignId: 'host-campaign', categoryId: 'line', text: 'From the platform' }, fan(7))).ok).toBe(true);
    expect(seen.proposal).toHaveLength(1); // through the runtime: the host hears it
    await until(() => discord.delivered.length >= 2, 'the phase announcements');
    expect(discord.delivered.map((e) => [e.kind, e.categoryId])).toEqual(expect.arrayContaining([['shortlist.published', 'flavour'], ['phase.opened', 'line']]));
    await cocreate.stop();
    expect(discord.detached()).toBe(1);
  });

  it('refuses a second platform of the same name, and one that would take a platform\'s deliveries twice', async () => {
    const cocreate = await createCocreate({ campaigns: [campaign()], clock: new VirtualClock(T0) });
    await cocreate.attach(platform('discord').host);
    expect(((await cocreate.attach(platform('discord').host).catch((e: unknown) => e)) as CocreateError).code).toBe('platform.already-attached');
    const second = platform('discord-2');
    const error = (await cocreate.attach(second.host).catch((e: unknown) => e)) as CocreateError;
    expect([error.code, error.message]).toEqual(['platform.already-attached', 'deliveries to discord are already registered by another attached platform']);
    await cocreate.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(second.delivered).toEqual([]);
    await cocreate.stop();
  });

  it('lets only one of two platforms attaching at once take a platform\'s deliveries, or a name', async () => {
    const cocreate = await createCocreate({ campaigns: [campaign()], clock: new VirtualClock(T0) });
    const slow = (name: string): HostPlatform => ({
      name,
      attach: async (ctx) => {
        await new Promise((r) => setTimeout(r, 5));
        ctx.deliver('discord', async () => {}, () => []);
        await new Promise((r) => setTimeout(r, 5));
        return { detach: async () => {} };
      },
    });
    const outcomes = await Promise.allSettled([cocreate.attach(slow('a')), cocreate.attach(slow('b')), cocreate.attach(slow('a'))]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as CocreateError).code] : []))).toEqual(['platform.already-attached', 'platform.already-attached']);
    await cocreate.stop();
  });

  it('leaves nothing registered by a platform whose attach fails', async () => {
    const cocreate = await createCocreate({ campaigns: [campaign()], clock: new VirtualClock(T0 + 60_000) });
    const broken = platform('telegram', { platform: 'telegram', fail: true });
    const error = (await cocreate.attach(broken.host).catch((e: unknown) => e)) as CocreateError;
    expect([error.code, error.message]).toEqual(['platform.attach-failed', 'attach telegram: the host client is not logged in']);
    await cocreate.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(broken.delivered).toEqual([]);
    const retried = platform('telegram', { platform: 'telegram' }); // the name is free again
    await cocreate.attach(retried.host);
    await until(() => retried.delivered.length >= 2, 'the announcements to the platform attached after start');
    await cocreate.stop();
    expect(broken.detached()).toBe(0);
  });

  it('lets a local platform share the local deliveries with the host\'s results', async () => {
    const clock = new VirtualClock(T0 + 60_000);
    const cocreate = await createCocreate({ campaigns: [campaign()], clock });
    const seen = record(cocreate);
    const local = platform('terminal', { platform: 'local' });
    await cocreate.attach(local.host);
    await cocreate.start();
    await clock.runUntil(T0 + DAY + 1);
    await until(() => seen.reveal.length === 1 && local.delivered.some((e) => e.kind === 'results'), 'the results on both');
    await cocreate.stop();
  });
});
