// Redis going away in the middle of a vote, under a running bot process (test/helpers/redis-worker.ts):
// fans get the "try again" refusal (`store.unavailable`) within the command timeout, never an
// acknowledgement of a ballot the store does not keep (DESIGN invariant 4), and once Redis is
// back the same bot, never restarted, accepts ballots again.
//
// Each target gets Redis servers of its own, so they can be stopped: a private standalone
// redis-server, and a private 3-master Redis Cluster whose master holding the campaign's slot
// is the one that goes away. They run without persistence, so "down" comes in two kinds:
//   - frozen (SIGSTOP, then SIGCONT): the server keeps its data; every acknowledged ballot must
//     be there afterwards;
//   - killed (SIGKILL, then a restart on the same port): the data is gone, so the campaign is
//     provisioned again (as a bot booting would) and only the ballots cast after the restart are
//     checked.
import { Redis } from 'ioredis';
import type { Runtime } from '../../src/cli/runtime';
import type { CommandResult } from '../../src/engine/commands';
import { fanKey } from '../../src/model/campaign';
import { FAIL_FAST_OPTIONS } from '../../src/stores/redis/connection';
import { uniquePrefix } from '../helpers/redis';
import { startRedisServer, type RedisServer } from '../helpers/redis-servers';
import { redisTargets } from '../helpers/redis-targets';
import {
  BotProcess, ballot, countOf, fanActor, flavourIds, inspector, outcome, storedBallots, votingSpec, type Deployment,
} from '../helpers/redis-worker';

/** A refusal must reach the fan this soon after the ballot was sent (the command timeout, plus IPC and a busy machine). */
const REFUSAL_WITHIN_MS = FAIL_FAST_OPTIONS.commandTimeout + 1_000;
/** After Redis is back, a new ballot every POLL_MS until one is accepted, at most this many times. */
const POLL_TRIES = 100;
const POLL_MS = 100;
/**
 * Redis goes away IN_FLIGHT_MS after a batch of ballots was sent: in the middle of it, as a rule.
 * Frozen, a large batch shows ballots answered before, during and after; killed, every ballot
 * of the batch fails at once, so a smaller one keeps the machine from being busy only with that.
 */
const IN_FLIGHT = { frozen: 2_000, killed: 300 };
const IN_FLIGHT_MS = 30;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Redis servers of the test's own, standalone or a cluster. */
interface PrivateRedis {
  readonly deployment: Deployment;
  readonly servers: readonly RedisServer[];
  /** The server holding the keys of `campaignId` (the only one when standalone). */
  holder(campaignId: string): Promise<RedisServer>;
  /** Resolves once every server answers (and, for a cluster, every node says cluster_state:ok). */
  healthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `fn` on a short-lived plain connection to one server. */
async function onServer<T>(server: RedisServer, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(server.url, { lazyConnect: true, connectTimeout: 1_000, commandTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

async function privateServer(): Promise<PrivateRedis> {
  const server = await startRedisServer();
  return {
    deployment: { url: server.url, cluster: false },
    servers: [server],
    holder: async () => server,
    healthy: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while ((await onServer(server, (r) => r.ping()).catch(() => '')) !== 'PONG') {
        if (Date.now() > deadline) throw new Error(`the private redis-server on port ${server.port} did not come back`);
        await sleep(50);
      }
    },
    stop: () => server.stop(),
  };
}

/**
 * Three cluster-enabled masters (no replicas; the default node timeout of 15 s, so a short
 * outage is not declared a failure), each owning a third of the slots, joined with CLUSTER MEET.
 */
async function privateCluster(): Promise<PrivateRedis> {
  const servers: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  const per = Math.ceil(16_384 / 3);
  const firstSlot = (i: number): number => i * per;
  try {
    let failure: Error | undefined;
    for (let attempt = 1; servers.length < 3; attempt++) {
      if (attempt > 20) throw new Error(`could not start three cluster-enabled redis-servers: ${failure?.message ?? 'no free port with room for a bus port'}`);
      const server = await startRedisServer({ args: ['--cluster-enabled', 'yes'] }).catch((error: Error) => {
        if (/not on the PATH/.test(error.message)) throw error;
        failure = error; // as a rule its bus port (port + 10000) was taken: try another port
        return null;
      });
      if (!server) continue;
      if (server.port > 55_535) await server.stop(); // no room for its bus port
      else servers.push(server);
    }
    await Promise.all(servers.map((s, i) => onServer(s, async (r) => {
      await r.call('CLUSTER', 'ADDSLOTSRANGE', String(firstSlot(i)), String(Math.min(16_383, firstSlot(i + 1) - 1)));
      await r.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1));
    })));
    await onServer(servers[0]!, async (r) => {
      for (const s of servers.slice(1)) await r.call('CLUSTER', 'MEET', '127.0.0.1', String(s.port));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const healthy = async (timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const infos = await Promise.all(servers.map((s) => onServer(s, (r) => r.call('CLUSTER', 'INFO') as Promise<string>).catch((e: Error) => e.message)));
      if (infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3'))) return;
      if (Date.now() > deadline) throw new Error(`the private Redis Cluster is not healthy:\n${infos.map((info, i) => `  ${servers[i]!.port}: ${/cluster_state:\w+/.exec(info)?.[0] ?? info}`).join('\n')}`);
      await sleep(50);
    }
  };
  try {
    await healthy();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    deployment: { url: servers[0]!.url, cluster: true },
    servers,
    holder: async (campaignId) => {
      const slot = Number(await onServer(servers[0]!, (r) => r.call('CLUSTER', 'KEYSLOT', `{${campaignId}}`)));
      return servers[Math.floor(slot / per)]!;
    },
    healthy,
    stop,
  };
}

/** One batch of ballots as the fans saw it: what they were answered, and how long it took. */
interface Wave {
  readonly fans: readonly number[];
  readonly results: readonly CommandResult[];
  readonly ms: number;
}

describe.each(redisTargets())('Redis stopped during a vote, on a private $name', (target) => {
  let redis: PrivateRedis | undefined;
  let inspect: Runtime | undefined;

  beforeAll(async () => {
    redis = target.name === 'redis' ? await privateServer() : await privateCluster();
  }, 60_000);

  afterEach(async () => {
    // Whatever happened: no server left frozen, no bot left running.
    for (const server of redis?.servers ?? []) {
      try {
        process.kill(server.pid, 'SIGCONT');
      } catch {
        // not running
      }
    }
    await BotProcess.killAll();
    await inspect?.close();
    inspect = undefined;
  });

  afterAll(async () => {
    await redis?.stop();
  });

  /** The campaign, a bot serving it, an inspector, and a way to cast numbered fans' ballots. */
  async function voting(campaignId: string) {
    const { deployment } = redis!;
    const prefix = uniquePrefix();
    const spec = votingSpec(campaignId);
    const bot = await BotProcess.start({ deployment, prefix, spec, name: `${target.name}-${campaignId}` });
    inspect = await inspector(deployment, prefix, spec);
    const [choice] = await flavourIds(inspect, spec.id);
    let nextFan = 0;
    const acked = new Set<number>();
    const sent = new Set<number>();
    /** Sends the ballots of `count` new fans as one batch. */
    const cast = async (count: number): Promise<Wave> => {
      const fans = Array.from({ length: count }, () => nextFan++);
      for (const n of fans) sent.add(n);
      const started = Date.now();
      const results = await bot.execute(fans.map((n) => ballot(spec.id, n, choice!)));
      results.forEach((r, i) => r.ok && acked.add(fans[i]!));
      return { fans, results, ms: Date.now() - started };
    };
    /** New fans, one at a time, until one is accepted: how many tries and how long it took. */
    const castUntilAccepted = async (): Promise<{ tries: number; ms: number; refusals: Record<string, number> }> => {
      const started = Date.now();
      const refusals: string[] = [];
      for (let tries = 1; tries <= POLL_TRIES; tries++) {
        const [result] = (await cast(1)).results;
        if (result!.ok) return { tries, ms: Date.now() - started, refusals: countOf(refusals) };
        refusals.push(outcome(result!));
        await sleep(POLL_MS);
      }
      throw new Error(`the bot accepted no ballot in ${POLL_TRIES} tries after Redis came back: ${JSON.stringify(countOf(refusals))}\n${bot.output}`);
    };
    return { spec, prefix, bot, choice: choice!, cast, castUntilAccepted, acked, sent, key: (n: number) => fanKey(fanActor(n)) };
  }

  /** Waves of new fans sent every `everyMs` while Redis is down, each expected to be refused quickly. */
  async function wavesWhileDown(cast: (count: number) => Promise<Wave>, waves: number, everyMs: number): Promise<Wave[]> {
    const sent: Promise<Wave>[] = [];
    for (let i = 0; i < waves; i++) {
      sent.push(cast(10));
      await sleep(everyMs);
    }
    return Promise.all(sent);
  }

  function expectRefusedQuickly(waves: readonly Wave[], withinMs = REFUSAL_WITHIN_MS): void {
    for (const wave of waves) {
      expect(wave.results.map(outcome)).toEqual(wave.fans.map(() => 'store.unavailable'));
      expect(wave.ms).toBeLessThanOrEqual(withinMs);
    }
  }

  it('refuses with store.unavailable while Redis is frozen, keeps every acknowledged ballot, and the same bot votes again once it answers', async () => {
    const v = await voting('outage-frozen');
    const server = await redis!.holder(v.spec.id);
    expect((await v.cast(100)).results.map(outcome)).toEqual(Array.from({ length: 100 }, () => 'ok'));

    // Frozen while a large batch is being cast, then new fans keep voting while it stays frozen.
    const inFlight = v.cast(IN_FLIGHT.frozen);
    await sleep(IN_FLIGHT_MS);
    process.kill(server.pid, 'SIGSTOP');
    const frozenAt = Date.now();
    const down = await wavesWhileDown(v.cast, 4, 250);
    const caught = await inFlight;
    expect(caught.results.map(outcome).filter((o) => o !== 'ok' && o !== 'store.unavailable')).toEqual([]);
    expectRefusedQuickly(down);
    process.kill(server.pid, 'SIGCONT');
    const frozenMs = Date.now() - frozenAt;

    // The same bot process, never restarted, accepts ballots again.
    const recovery = await v.castUntilAccepted();
    expect((await v.cast(100)).results.map(outcome)).toEqual(Array.from({ length: 100 }, () => 'ok'));

    // Nothing acknowledged is missing; nothing is counted twice; nothing unsent is there.
    const stored = await storedBallots(inspect!, v.spec.id);
    expect([...v.acked].filter((n) => !stored.has(v.key(n)))).toEqual([]);
    const sentKeys = new Set([...v.sent].map(v.key));
    expect([...stored.keys()].filter((key) => !sentKeys.has(key))).toEqual([]);
    expect((await inspect!.store.getTally(v.spec.id, 'flavour')).ballots).toBe(stored.size);
    expect((await inspect!.engine.recount(v.spec.id)).agrees).toBe(true);

    // Fans told "try again" do so: a ballot Redis ran after all (it was waiting in the frozen
    // server) is "already cast", any other is accepted now; each is counted once.
    const told = down.flatMap((w) => w.fans).concat(caught.fans.filter((_, i) => !caught.results[i]!.ok));
    const retried = await v.bot.execute(told.map((n) => ballot(v.spec.id, n, v.choice)));
    expect(told.filter((n, i) => outcome(retried[i]!) !== (stored.has(v.key(n)) ? 'vote.already-cast' : 'ok'))).toEqual([]);
    const final = await storedBallots(inspect!, v.spec.id);
    expect(final.size).toBe(new Set([...stored.keys(), ...told.map(v.key)]).size);
    expect((await inspect!.engine.recount(v.spec.id)).agrees).toBe(true);

    const appliedAnyway = told.filter((n) => stored.has(v.key(n))).length;
    console.log(
      `Redis frozen (SIGSTOP) on a private ${target.name} for ${frozenMs} ms: ${down.length} waves refused in ${down.map((w) => w.ms).join(', ')} ms ` +
        `(command timeout ${FAIL_FAST_OPTIONS.commandTimeout} ms); the batch caught in flight: ${JSON.stringify(countOf(caught.results.map(outcome)))}; ` +
        `voting again ${recovery.ms} ms after SIGCONT (${recovery.tries} tries); ${appliedAnyway} of ${told.length} ballots answered ` +
        `"try again" were counted anyway (Redis ran them once thawed), so their fans' retry was answered "already cast"`,
    );
  }, 60_000);

  it('refuses with store.unavailable while Redis is killed, and the same bot votes again once it is restarted', async () => {
    const v = await voting('outage-killed');
    const server = await redis!.holder(v.spec.id);
    expect((await v.cast(100)).results.map(outcome)).toEqual(Array.from({ length: 100 }, () => 'ok'));
    await inspect!.close();
    inspect = undefined;

    const inFlight = v.cast(IN_FLIGHT.killed);
    await sleep(IN_FLIGHT_MS);
    await server.kill();
    const killedAt = Date.now();
    const down = await wavesWhileDown(v.cast, 3, 250);
    const caught = await inFlight;
    expect(caught.results.map(outcome).filter((o) => o !== 'ok' && o !== 'store.unavailable')).toEqual([]);
    expectRefusedQuickly(down, REFUSAL_WITHIN_MS);

    // Back on the same port, empty (no persistence): the campaign is provisioned again, as a
    // bot booting would (engine.start()); the bot under test is not restarted.
    await server.restart();
    await redis!.healthy();
    const restartedIn = Date.now() - killedAt;
    for (let attempt = 1; ; attempt++) {
      try {
        inspect = await inspector(redis!.deployment, v.prefix, v.spec);
        await inspect.engine.start();
        break;
      } catch (error) {
        await inspect?.close().catch(() => undefined);
        inspect = undefined;
        if (attempt >= 20) throw error;
        await sleep(250);
      }
    }
    const sentBefore = new Set(v.sent);
    const recovery = await v.castUntilAccepted();
    expect((await v.cast(100)).results.map(outcome)).toEqual(Array.from({ length: 100 }, () => 'ok'));

    // Every ballot acknowledged after the restart is there, once; nothing else is.
    const after = [...v.sent].filter((n) => !sentBefore.has(n));
    const stored = await storedBallots(inspect!, v.spec.id);
    expect(after.filter((n) => v.acked.has(n) && !stored.has(v.key(n)))).toEqual([]);
    const afterKeys = new Set(after.map(v.key));
    expect([...stored.keys()].filter((key) => !afterKeys.has(key))).toEqual([]);
    expect((await inspect!.store.getTally(v.spec.id, 'flavour')).ballots).toBe(stored.size);
    expect((await inspect!.engine.recount(v.spec.id)).agrees).toBe(true);

    console.log(
      `Redis killed (SIGKILL) on a private ${target.name}: ${down.length} waves refused in ${down.map((w) => w.ms).join(', ')} ms; ` +
        `the batch caught in flight: ${JSON.stringify(countOf(caught.results.map(outcome)))}; back and provisioned ${restartedIn} ms after the kill; ` +
        `voting again ${recovery.ms} ms later (${recovery.tries} tries, ${JSON.stringify(recovery.refusals)})`,
    );
  }, 60_000);
});
