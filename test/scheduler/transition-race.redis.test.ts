// A phase transition is a compare-and-set (DESIGN invariant 3): the scheduled transition (a
// BullMQ job due at the deadline) and ten concurrent manager `advance` commands, spread over two
// runtimes on separate connections, produce exactly one transition and one announcement
// delivered. Through the real engine, runtime, scheduler and outbox; on the shared Redis and on
// the local Redis Cluster.
import type { Cluster, Redis } from 'ioredis';
import { redisRuntime, type Runtime } from '../../src/cli/runtime';
import { SystemClock } from '../../src/clock/system-clock';
import type { CommandResult } from '../../src/engine/commands';
import type { CampaignEvent } from '../../src/model/events';
import type { Actor, CampaignSpec } from '../../src/model/campaign';
import { phaseJobId } from '../../src/ports/phase-scheduler';
import { DAY, campaign, category } from '../helpers/harness';
import { uniquePrefix } from '../helpers/redis';
import { redisTargets } from '../helpers/redis-targets';
import { connectTo, countOf, deleteKeys, deploymentOf, outcome, type Deployment } from '../helpers/redis-worker';

/**
 * Categories racing at the same deadline; the commands of each are fired this long after it,
 * so that some meet the scheduler's job (it fires some tens of ms late) and some do not.
 */
const FIRE_AFTER_MS = [0, 10, 20, 30, 45, 60, 90];
const COMMANDS = 10;
/** Managers by the campaign's roles (harness.ts): a Telegram user id, a Discord role. */
const MANAGERS: readonly Actor[] = [
  { platform: 'telegram', userId: '777', displayName: 'manager on Telegram' },
  { platform: 'discord', userId: '4242', displayName: 'manager on Discord', memberRoleIds: ['role-manager'] },
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Categories in `propose` since a minute ago, all closing at `deadline`; shortlists for a day after. */
function racingSpec(deadline: number): CampaignSpec {
  const start = Date.now() - 60_000;
  return campaign(FIRE_AFTER_MS.map((_, i) => category(`line-${i}`, {
    phases: [
      { phase: 'propose', start, end: deadline },
      { phase: 'shortlist', start: deadline, end: deadline + DAY },
      { phase: 'vote', start: deadline + DAY, end: deadline + 2 * DAY },
    ],
    revealAt: deadline + 2 * DAY,
  })), { id: 'race' });
}

describe.each(redisTargets())('a scheduled transition racing manager commands on $name', (target) => {
  let deployment: Deployment;
  let admin: Redis | Cluster | undefined;
  let prefix: string;
  let runtimes: Runtime[] = [];

  beforeAll(async () => {
    deployment = deploymentOf(target);
    admin = await connectTo(deployment);
  });

  afterEach(async () => {
    await Promise.all(runtimes.map((r) => r.close()));
    runtimes = [];
    if (admin) await deleteKeys(admin, prefix);
  });

  afterAll(() => {
    admin?.disconnect();
  });

  it(`makes one transition and delivers one announcement when the scheduled job and ${COMMANDS} manager advance commands race at the deadline`, async () => {
    prefix = uniquePrefix();
    const deadline = Date.now() + 2_500;
    const spec = racingSpec(deadline);
    const errors: string[] = [];
    const delivered: { event: CampaignEvent; by: number; at: number }[] = [];
    // Two runtimes, each on its own connection, as two bot processes would be; both deliver.
    runtimes = await Promise.all([0, 1].map((by) => redisRuntime({
      campaigns: [spec], clock: new SystemClock(), url: deployment.url, cluster: deployment.cluster, prefix,
      scheduler: 'bullmq', outbox: { pollMs: 50, baseDelayMs: 50 }, drainMs: 1_000,
      onError: (error, context) => errors.push(`runtime ${by}: ${context}: ${String(error)}`),
    })));
    runtimes.forEach((runtime, by) => runtime.outbox.register('local', async (event) => {
      delivered.push({ event, by, at: Date.now() });
    }, () => [{ platform: 'local', channel: 'terminal' }]));
    await Promise.all(runtimes.map((runtime) => runtime.engine.start()));

    const [first, second] = runtimes as [Runtime, Runtime];
    const before = await first.store.getStates(spec.id);
    if (Date.now() >= deadline - 200) throw new Error(`the runtimes took too long to start: the deadline passed before the race (${Date.now() - deadline} ms)`);
    for (const state of before) expect(state).toMatchObject({ phase: 'propose', deadline, pausedAt: null });
    // The scheduler's job for each category is there, due at the deadline.
    const due = (await first.scheduler.pending()).filter((job) => job.kind === 'phase.due');
    expect(due.map((job) => [job.id, job.at]).sort()).toEqual(spec.categories.map((c) => [phaseJobId(spec.id, c.id, 'phase.due', 'propose'), deadline]).sort());

    // At the deadline (plus each category's offset), ten advance commands at once, five per runtime.
    const answers = await Promise.all(spec.categories.map(async (c, i) => {
      await sleep(deadline + FIRE_AFTER_MS[i]! - Date.now());
      return Promise.all(Array.from({ length: COMMANDS }, (_, k) =>
        runtimes[k % 2]!.engine.execute({ type: 'advance', campaignId: spec.id, categoryId: c.id, from: 'propose' }, MANAGERS[k % 2]!)));
    }));

    // Wait for every category's announcement, then a while longer for any duplicate.
    const opened = (id: string) => delivered.filter(({ event }) => event.kind === 'phase.opened' && event.phase === 'shortlist' && event.categoryId === id);
    const waitUntil = Date.now() + 15_000;
    while (spec.categories.some((c) => opened(c.id).length === 0) && Date.now() < waitUntil) await sleep(25);
    await sleep(1_000);
    await Promise.all(runtimes.map((r) => r.outbox.idle()));

    const after = new Map((await second.store.getStates(spec.id)).map((s) => [s.categoryId, s]));
    const report: string[] = [];
    spec.categories.forEach((c, i) => {
      const results: CommandResult[] = answers[i]!;
      const acks = results.filter((r) => r.ok);
      // At most one command moved it (none: the scheduler's job did); the others found it moved.
      expect(acks.length).toBeLessThanOrEqual(1);
      expect(acks).toEqual(acks.length ? [{ ok: true, type: 'advance', changes: [{ categoryId: c.id, from: 'propose', to: 'shortlist' }] }] : []);
      expect(results.filter((r) => !r.ok).map(outcome)).toEqual(Array.from({ length: COMMANDS - acks.length }, () => 'phase.stale'));
      // Exactly one phase on: one version, the shortlist's deadline.
      const was = before.find((s) => s.categoryId === c.id)!;
      expect(after.get(c.id)).toEqual({ ...was, phase: 'shortlist', deadline: deadline + DAY, version: was.version + 1 });
      // One announcement delivered, by one of the two outboxes, once.
      const announcements = opened(c.id);
      expect(announcements).toHaveLength(1);
      expect(delivered.filter(({ event }) => event.kind === 'phase.opened' && event.phase === 'propose' && event.categoryId === c.id)).toHaveLength(1);
      report.push(`${c.id} (+${FIRE_AFTER_MS[i]} ms): ${acks.length ? 'a command' : 'the scheduled job'} won, ` +
        `${JSON.stringify(countOf(results.map(outcome)))}, announced by runtime ${announcements[0]!.by} ${announcements[0]!.at - deadline} ms after the deadline`);
    });
    // The next job, once: the end of the shortlist.
    const next = (await first.scheduler.pending()).filter((job) => job.kind === 'phase.due');
    expect(next.map((job) => [job.id, job.at]).sort()).toEqual(spec.categories.map((c) => [phaseJobId(spec.id, c.id, 'phase.due', 'shortlist'), deadline + DAY]).sort());
    expect(errors).toEqual([]);
    console.log(`transition race on ${target.name}:\n  ${report.join('\n  ')}`);
  }, 60_000);
});
