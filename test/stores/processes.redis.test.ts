// Several bot processes on one Redis, through the real engine and runtime (test/helpers/redis-worker.ts):
// one ballot per fan per category whatever process a ballot reaches (DESIGN invariant 5), and
// nothing acknowledged lost when a process dies (invariant 4). On the shared Redis and on the
// local Redis Cluster.
import type { Cluster, Redis } from 'ioredis';
import type { Runtime } from '../../src/cli/runtime';
import type { CommandResult } from '../../src/engine/commands';
import { fanKey } from '../../src/model/campaign';
import { uniquePrefix } from '../helpers/redis';
import { redisTargets } from '../helpers/redis-targets';
import {
  BotProcess, ballot, connectTo, countOf, deleteKeys, deploymentOf, fanActor, flavourIds, inspector, outcome, outcomes, storedBallots,
  votingSpec, type Deployment, type Order,
} from '../helpers/redis-worker';

/** Fans of the two-processes test (FANS overrides it, e.g. for a quick run). */
const FANS = Number(process.env.FANS ?? 20_000);
const BOTS = 3;

/** A fan's pick among the three options: fixed per fan, spread unevenly over the options. */
const pick = (n: number): number => (n * 7 + (n >> 4)) % 3;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / Math.max(ms, 1)) * 1000).toLocaleString('en')}/s`;
}

describe.each(redisTargets())('bot processes on $name', (target) => {
  let deployment: Deployment;
  let admin: Redis | Cluster | undefined;
  let prefix: string;
  let inspect: Runtime | undefined;

  beforeAll(async () => {
    deployment = deploymentOf(target);
    admin = await connectTo(deployment);
  });

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await BotProcess.killAll();
    await inspect?.close();
    inspect = undefined;
    if (admin) await deleteKeys(admin, prefix);
  });

  afterAll(() => {
    admin?.disconnect();
  });

  it(`counts exactly one ballot per fan when each of ${FANS.toLocaleString('en')} fans sends it to two of ${BOTS} processes at once`, async () => {
    const spec = votingSpec('two-processes');
    const booting = Date.now();
    const bots = await Promise.all(range(0, BOTS).map((i) => BotProcess.start({ deployment, prefix, spec, name: `${target.name}#${i}` })));
    const bootMs = Date.now() - booting;
    inspect = await inspector(deployment, prefix, spec);
    const options = await flavourIds(inspect, spec.id);
    expect(options).toHaveLength(3);
    const choiceOf = (n: number): string => options[pick(n)]!;

    // Fans go in chunks; each fan of a chunk is sent to two processes, all three processes get
    // their part of the chunk at the same moment, and a few chunks are in flight at once.
    const CHUNK = 300;
    const IN_FLIGHT_CHUNKS = 3;
    const answers: CommandResult[][] = Array.from({ length: FANS }, () => []);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < FANS) {
        const first = next;
        next = Math.min(FANS, first + CHUNK);
        const parts = bots.map(() => ({ fans: [] as number[], orders: [] as Order[] }));
        for (let n = first; n < next; n++) {
          for (const b of [n % BOTS, (n + 1) % BOTS]) {
            parts[b]!.fans.push(n);
            parts[b]!.orders.push(ballot(spec.id, n, choiceOf(n)));
          }
        }
        await Promise.all(parts.map(async ({ fans, orders }, b) => {
          const results = await bots[b]!.execute(orders);
          results.forEach((result, i) => answers[fans[i]!]!.push(result));
        }));
      }
    };
    const streaming = Date.now();
    await Promise.all(range(0, IN_FLIGHT_CHUNKS).map(lane));
    const streamMs = Date.now() - streaming;

    // Each fan got two answers: at most one acknowledgement, and otherwise "already cast" (or,
    // should the machine be overloaded, "try again").
    const doubleAcks: number[] = [];
    const unexpected: string[] = [];
    const unacknowledged: number[] = [];
    answers.forEach((pair, n) => {
      if (pair.length !== 2) unexpected.push(`fan ${n}: ${pair.length} answers`);
      const acks = pair.filter((r) => r.ok).length;
      if (acks > 1) doubleAcks.push(n);
      if (acks === 0) unacknowledged.push(n);
      for (const r of pair) if (!r.ok && r.code !== 'vote.already-cast' && r.code !== 'store.unavailable') unexpected.push(`fan ${n}: ${r.code}`);
    });
    expect(doubleAcks).toEqual([]);
    expect(unexpected).toEqual([]);
    const counts = outcomes(answers.flat());

    // A fan told "try again" (store.unavailable) by both processes tries again, once.
    const retried = unacknowledged.length === 0 ? [] : await bots[0]!.execute(unacknowledged.map((n) => ballot(spec.id, n, choiceOf(n))));
    expect(retried.map(outcome).filter((o) => o !== 'ok' && o !== 'vote.already-cast')).toEqual([]);

    // The store: one ballot per fan, with the fan's choice; tally = what was sent = recount.
    const stored = await storedBallots(inspect, spec.id);
    const wrong = range(0, FANS).filter((n) => stored.get(fanKey(fanActor(n))) !== choiceOf(n));
    expect(wrong).toEqual([]);
    expect(stored.size).toBe(FANS);
    const expected: Record<string, number> = {};
    for (let n = 0; n < FANS; n++) expected[choiceOf(n)] = (expected[choiceOf(n)] ?? 0) + 1;
    expect(await inspect.store.getTally(spec.id, 'flavour')).toEqual({ tally: expected, ballots: FANS });
    const recount = await inspect.engine.recount(spec.id);
    expect(recount).toEqual({ campaign: spec.id, agrees: true, categories: [{ id: 'flavour', ballots: FANS, differences: [] }] });

    const closing = Date.now();
    await Promise.all(bots.map((bot) => bot.close()));
    console.log(
      `${BOTS} bot processes on ${target.name}: ${(2 * FANS).toLocaleString('en')} ballots (${FANS.toLocaleString('en')} fans x 2 processes at once) ` +
        `in ${streamMs} ms = ${perSecond(2 * FANS, streamMs)} through the engine (${perSecond(FANS, streamMs)} fans); ` +
        `answers ${JSON.stringify(counts)}, ${retried.length} retried; bots up in ${bootMs} ms, closed in ${Date.now() - closing} ms`,
    );
  }, 120_000);

  it('keeps every acknowledged ballot, counted once, when a bot process is killed with SIGKILL mid-stream', async () => {
    const TOTAL = 6_000;
    const KILL_AFTER = 2_000;
    const spec = votingSpec('crash');
    const doomed = await BotProcess.start({ deployment, prefix, spec, name: `${target.name}-doomed` });
    inspect = await inspector(deployment, prefix, spec);
    const options = await flavourIds(inspect, spec.id);
    const choiceOf = (n: number): string => options[pick(n)]!;

    const sent = new Set<number>();
    const acked = new Set<number>();
    const refused: string[] = [];
    const failed: string[] = [];
    let killedWhen: { sent: number; acked: number } | null = null;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < TOTAL && !killedWhen) {
        const first = next;
        next = Math.min(TOTAL, first + 100);
        const fans = range(first, next);
        for (const n of fans) sent.add(n);
        let results: readonly CommandResult[];
        try {
          results = await doomed.execute(fans.map((n) => ballot(spec.id, n, choiceOf(n))));
        } catch (error) {
          // The process died before answering: nothing of this batch was acknowledged.
          if (!killedWhen) failed.push((error as Error).message);
          return;
        }
        results.forEach((r, i) => (r.ok ? acked.add(fans[i]!) : refused.push(r.code)));
        if (!killedWhen && acked.size >= KILL_AFTER) {
          killedWhen = { sent: sent.size, acked: acked.size };
          void doomed.kill('SIGKILL');
        }
      }
    };
    await Promise.all(range(0, 8).map(lane));
    await doomed.kill();
    if (!killedWhen) {
      throw new Error(`the stream ended before ${KILL_AFTER} ballots were acknowledged (${acked.size} were; refusals ` +
        `${JSON.stringify(countOf(refused))}): ${failed[0] ?? doomed.output}`);
    }
    const at: { sent: number; acked: number } = killedWhen;
    // It died with ballots in flight (sent, not answered).
    expect(at.sent).toBeGreaterThan(at.acked);
    // A "try again" under load is allowed (not an acknowledgement); no other refusal.
    expect(refused.filter((code) => code !== 'store.unavailable')).toEqual([]);

    const keyOf = (n: number): string => fanKey(fanActor(n));
    const before = await storedBallots(inspect, spec.id);
    // Every acknowledged ballot is there, with its choice; nothing that was not sent.
    expect([...acked].filter((n) => before.get(keyOf(n)) !== choiceOf(n))).toEqual([]);
    const sentKeys = new Set([...sent].map(keyOf));
    expect([...before.keys()].filter((key) => !sentKeys.has(key))).toEqual([]);
    expect(before.size).toBeGreaterThanOrEqual(acked.size);
    expect(before.size).toBeLessThanOrEqual(sent.size);
    expect((await inspect.store.getTally(spec.id, 'flavour')).ballots).toBe(before.size);
    expect((await inspect.engine.recount(spec.id)).agrees).toBe(true);

    // A new process on the same Redis; every fan sends its ballot again (allowChange: false).
    const restarting = Date.now();
    const revived = await BotProcess.start({ deployment, prefix, spec, name: `${target.name}-revived` });
    const restartMs = Date.now() - restarting;
    const fans = [...sent].sort((a, b) => a - b);
    const again: string[] = [];
    for (let i = 0; i < fans.length; i += 500) {
      const part = fans.slice(i, i + 500);
      const results = await Promise.all([0, 250].map((o) => revived.execute(part.slice(o, o + 250).map((n) => ballot(spec.id, n, choiceOf(n))))));
      again.push(...results.flat().map(outcome));
    }
    const mismatches = fans.flatMap((n, i) => {
      const wanted = before.has(keyOf(n)) ? 'vote.already-cast' : 'ok';
      return again[i] === wanted ? [] : [`fan ${n}: ${again[i]}, expected ${wanted}`];
    });
    expect(mismatches).toEqual([]);

    // Those counted before stay counted once, with their first choice; the others are counted now.
    const after = await storedBallots(inspect, spec.id);
    expect(after.size).toBe(sent.size);
    expect([...before].filter(([key, choice]) => after.get(key) !== choice)).toEqual([]);
    expect(fans.filter((n) => after.get(keyOf(n)) !== choiceOf(n))).toEqual([]);
    expect((await inspect.store.getTally(spec.id, 'flavour')).ballots).toBe(sent.size);
    expect((await inspect.engine.recount(spec.id)).agrees).toBe(true);
    await revived.close();

    console.log(
      `SIGKILL on ${target.name}: killed after ${at.acked} acknowledged of ${at.sent} sent; ${acked.size} acknowledged in all ` +
        `(answers already on their way), ${before.size} in the store after the crash (${before.size - acked.size} applied without ` +
        `acknowledgement, ${sent.size - before.size} lost unacknowledged); new process up in ${restartMs} ms; ` +
        `re-sent ${fans.length}: ${JSON.stringify(countOf(again))}`,
    );
  }, 120_000);
});
