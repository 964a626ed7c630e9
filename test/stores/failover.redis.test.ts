// A Redis master SIGKILLed in the middle of a vote, under Sentinel, with COCREATE_ACK=replica:
// a master, one replica and three Sentinels of the test's own (test/helpers/redis-sentinels.ts),
// two bot processes (test/helpers/redis-worker.ts) streaming ballots through the production
// runtime on Sentinel's master. Sentinel promotes the replica; the bots reconnect to it on their
// own; the old master comes back as the new one's replica, and acknowledgements resume.
//
// Every ballot a fan saw acknowledged must be on the new master, none counted twice, the tally
// equal to its recount, and phases and announcements still exactly once. The test prints how
// long fans were told "could not confirm, try again" and how many times.
import type { Runtime } from '../../src/cli/runtime';
import type { CommandResult } from '../../src/engine/commands';
import { SYSTEM_ACTOR, fanKey } from '../../src/model/campaign';
import { uniquePrefix } from '../helpers/redis';
import { startReplicatedRedis, type ReplicatedRedis } from '../helpers/redis-sentinels';
import {
  BotProcess, ballot, countOf, fanActor, flavourIds, inspector, outcome, storedBallots, votingSpec, type Deployment,
} from '../helpers/redis-worker';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Fans per batch each bot sends, and the pause between batches. */
const BATCH = 20;
const PAUSE_MS = 5;
/** Ballots acknowledged before the kill, and after acknowledgements resumed. */
const BEFORE = 300;
const AFTER = 300;

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('COCREATE_ACK=replica with Sentinel, the master SIGKILLed mid-vote', () => {
  let redis: ReplicatedRedis | undefined;
  let inspect: Runtime | undefined;

  afterEach(async () => {
    await BotProcess.killAll();
    await inspect?.close();
    inspect = undefined;
    await redis?.stop();
  });

  it('keeps every acknowledged ballot through the promotion, counts none twice, and keeps phases and announcements exactly once', async () => {
    redis = await startReplicatedRedis({ replicas: 1 });
    const deployment: Deployment = { url: 'redis://sentinel-managed', cluster: false, sentinel: { sentinels: redis.sentinelAddresses, name: redis.name } };
    const prefix = uniquePrefix();
    const spec = votingSpec('failover');
    const bots = await Promise.all([0, 1].map((i) => BotProcess.start({ deployment, prefix, spec, name: `sentinel-bot-${i}`, ack: 'replica', ackTimeoutMs: 300, deliver: true })));
    inspect = await inspector(deployment, prefix, spec, { quiet: true });
    const [choice] = await flavourIds(inspect, spec.id);
    await until('the vote opening announced', () => bots.some((b) => b.deliveries.length > 0));

    // Two bots stream ballots of new fans until told to stop.
    let nextFan = 0;
    const acked = new Map<number, number>();
    const refusals: { fan: number; at: number; code: string }[] = [];
    let stop = false;
    const stream = async (bot: BotProcess): Promise<void> => {
      while (!stop) {
        const fans = Array.from({ length: BATCH }, () => nextFan++);
        const results: readonly CommandResult[] = await bot.execute(fans.map((n) => ballot(spec.id, n, choice!)));
        const at = Date.now();
        results.forEach((r, i) => {
          if (r.ok) acked.set(fans[i]!, at);
          else refusals.push({ fan: fans[i]!, at, code: outcome(r) });
        });
        await sleep(PAUSE_MS);
      }
    };
    const streams = Promise.all(bots.map(stream));
    try {
      await until(`${BEFORE} ballots acknowledged`, () => acked.size >= BEFORE);

      const oldPort = await redis.masterPort();
      const oldMaster = redis.servers.find((s) => s.port === oldPort)!;
      const killedAt = Date.now();
      await oldMaster.kill();
      const ackedAtKill = acked.size;
      const newPort = await redis.promoted(oldPort);
      const promotedAt = Date.now();
      // The promoted master has no replica left: nothing can be confirmed until the old one rejoins as its replica.
      await oldMaster.restart({ args: ['--replicaof', '127.0.0.1', String(newPort)] });
      await redis.replicated(newPort, 1);
      const rejoinedAt = Date.now();
      await until(`${AFTER} ballots acknowledged after the failover`, () => acked.size >= ackedAtKill + AFTER);
      stop = true;
      await streams;

      const tryAgain = refusals.filter((r) => r.code === 'store.unavailable');
      expect(refusals.filter((r) => r.code !== 'store.unavailable')).toEqual([]);
      const firstAckAfter = Math.min(...[...acked.values()].filter((at) => at > killedAt));
      const refusedFrom = Math.min(...tryAgain.map((r) => r.at), firstAckAfter);
      const refusedUntil = Math.max(...tryAgain.map((r) => r.at), refusedFrom);
      console.log([
        `failover under COCREATE_ACK=replica: ${acked.size} ballots acknowledged (${ackedAtKill} before the SIGKILL), ${nextFan} sent by 2 bots`,
        `  promotion ${promotedAt - killedAt} ms after the SIGKILL; old master back as a replica after ${rejoinedAt - killedAt} ms; first acknowledgement after ${firstAckAfter - killedAt} ms`,
        `  fans told "could not confirm, try again": ${tryAgain.length}, from ${refusedFrom - killedAt} ms to ${refusedUntil - killedAt} ms after the SIGKILL`,
      ].join('\n'));

      // The fans told to try again do so: each is then counted once, whether or not the first try had landed.
      let pending = [...new Set(tryAgain.map((r) => r.fan))];
      for (let round = 0; pending.length > 0; round++) {
        if (round > 50) throw new Error(`${pending.length} retries still unconfirmed`);
        const results = await bots[round % 2]!.execute(pending.map((n) => ballot(spec.id, n, choice!)));
        expect(results.map(outcome).filter((o) => o !== 'ok' && o !== 'vote.already-cast' && o !== 'store.unavailable')).toEqual([]);
        pending = pending.filter((_, i) => outcome(results[i]!) === 'store.unavailable');
        if (pending.length > 0) await sleep(100);
      }

      const stored = await storedBallots(inspect, spec.id); // throws on a fan counted twice
      const missing = [...acked.keys()].filter((n) => !stored.has(fanKey(fanActor(n))));
      expect(missing).toEqual([]);
      expect(stored.size).toBe(nextFan);
      expect((await inspect.store.getTally(spec.id, 'flavour')).ballots).toBe(nextFan);
      expect((await inspect.engine.recount(spec.id)).agrees).toBe(true);

      // Phases: a manager's advance sent to both bots at once makes one transition, announced once.
      const [a, b] = await Promise.all(bots.map((bot) => bot.execute([{ command: { type: 'advance', campaignId: spec.id, categoryId: 'flavour' }, actor: SYSTEM_ACTOR }])));
      const answers = [outcome(a![0]!), outcome(b![0]!)];
      expect(answers.filter((o) => o === 'ok')).toHaveLength(1);
      expect(answers.filter((o) => o !== 'ok' && o !== 'phase.final' && o !== 'phase.stale')).toEqual([]);
      expect((await inspect.store.getState(spec.id, 'flavour'))?.phase).toBe('reveal');
      await until('the results announced', () => bots.some((bot) => bot.deliveries.some((d) => d.kind === 'results')));
      await Promise.all(bots.map(async (bot) => bot.close()));
      const delivered = countOf(bots.flatMap((bot) => bot.deliveries.map((d) => d.eventId)));
      expect(Object.values(delivered).filter((n) => n !== 1)).toEqual([]);
      expect(Object.keys(delivered).length).toBeGreaterThanOrEqual(2); // the vote opening and the results, at least
    } finally {
      stop = true;
      await streams.catch(() => undefined);
    }
  });
});
