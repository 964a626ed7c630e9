/**
 * A bot process for the tests that need bot processes on one Redis (processes.redis.test.ts,
 * outage.redis.test.ts), the parent's handle on it, and what those tests share.
 *
 * As a child (`node --import tsx test/helpers/redis-worker.ts`, spawned by `BotProcess.start`), it
 * builds the production runtime (`redisRuntime`: Redis store, BullMQ scheduler and outbox on one
 * fail-fast connection), starts the engine, and serves commands over IPC:
 *
 *   parent → child  { type: 'execute', batch, orders: { command, actor }[] }
 *   child → parent  { type: 'results', batch, results }   once the engine answered every order
 *                                                         of the batch (each result is exactly
 *                                                         what `engine.execute` returned)
 *   parent → child  { type: 'close' }                     closes the runtime; the child answers
 *                                                         { type: 'closed' } and exits
 *
 * Its environment: COCREATE_BOT_REDIS (a `redis://` URL, a seed node when COCREATE_BOT_CLUSTER=1),
 * COCREATE_BOT_SENTINEL (JSON `{ sentinels, name }`: Sentinel's master instead of the URL),
 * COCREATE_BOT_PREFIX, COCREATE_BOT_SPEC (the CampaignSpec as JSON), COCREATE_BOT_SCHEDULER
 * (`bullmq`, the default, or `memory`), COCREATE_BOT_ACK and COCREATE_BOT_ACK_TIMEOUT_MS (the ack
 * mode), COCREATE_BOT_DELIVER=1 (the outbox delivers to one local target and tells the parent
 * `{ type: 'delivered', eventId, kind }` for each delivery). Durability warnings go to the parent
 * as `{ type: 'warning', message }`. It exits when its parent goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { redisRuntime, type Runtime } from '../../src/cli/runtime';
import { SystemClock } from '../../src/clock/system-clock';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { Actor, CampaignSpec } from '../../src/model/campaign';
import { connectEndpoint, type RedisEndpoint, type SentinelAddress } from '../../src/stores/redis/connection';
import type { AckMode } from '../../src/model/durability';
import { campaign, fixedCategory } from './harness';
import { keysByPrefix, redisUrl } from './redis';
import { testClusterNodes, type RedisTarget } from './redis-targets';

/** One command for the engine, as one actor. */
export interface Order {
  readonly command: Command;
  readonly actor: Actor;
}

type ToBot =
  | { readonly type: 'execute'; readonly batch: number; readonly orders: readonly Order[] }
  | { readonly type: 'close' };

type FromBot =
  | { readonly type: 'ready'; readonly startedInMs: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'results'; readonly batch: number; readonly results: readonly CommandResult[] }
  | { readonly type: 'delivered'; readonly eventId: string; readonly kind: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'closed' };

// ---- the child ------------------------------------------------------------------------------

async function serve(): Promise<void> {
  const started = Date.now();
  const env = process.env;
  const url = required('COCREATE_BOT_REDIS');
  const sentinel = env.COCREATE_BOT_SENTINEL ? (JSON.parse(env.COCREATE_BOT_SENTINEL) as SentinelDeployment) : undefined;
  const spec = JSON.parse(required('COCREATE_BOT_SPEC')) as CampaignSpec;
  const scheduler = env.COCREATE_BOT_SCHEDULER === 'memory' ? 'memory' : 'bullmq';
  const say = (message: FromBot): Promise<void> =>
    new Promise((done, fail) => {
      if (!process.send) return fail(new Error('the bot process needs an IPC channel to its parent'));
      process.send(message, undefined, {}, (error) => (error ? fail(error) : done()));
    });
  const log = (context: string, error: unknown): void => {
    process.stderr.write(`bot ${process.pid}: ${context}: ${error instanceof Error ? error.message : String(error)}\n`);
  };
  // The parent is gone (a crashed test run): nothing left to serve.
  process.on('disconnect', () => process.exit(0));

  let runtime: Runtime;
  try {
    runtime = await redisRuntime({
      campaigns: [spec],
      clock: new SystemClock(),
      endpoint: endpointOf({ url, cluster: env.COCREATE_BOT_CLUSTER === '1', ...(sentinel ? { sentinel } : {}) }),
      prefix: required('COCREATE_BOT_PREFIX'),
      scheduler,
      drainMs: 2_000,
      onError: (error, context) => log(context, error),
      onWarning: (message) => void say({ type: 'warning', message }).catch(() => undefined),
      ...(env.COCREATE_BOT_ACK ? { ack: env.COCREATE_BOT_ACK as AckMode } : {}),
      ...(env.COCREATE_BOT_ACK_TIMEOUT_MS ? { ackTimeoutMs: Number(env.COCREATE_BOT_ACK_TIMEOUT_MS) } : {}),
    });
    if (env.COCREATE_BOT_DELIVER === '1') {
      runtime.outbox.register('local', async (event) => {
        await say({ type: 'delivered', eventId: event.id, kind: event.kind });
      }, () => [{ platform: 'local', channel: 'terminal' }]);
    }
    await runtime.engine.start();
  } catch (error) {
    await say({ type: 'failed', message: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
    process.exit(1);
  }

  process.on('message', (message: ToBot) => {
    if (message.type === 'execute') {
      // engine.execute never throws: each result is the engine's answer, success or refusal.
      void Promise.all(message.orders.map(({ command, actor }) => runtime.engine.execute(command, actor)))
        .then((results) => say({ type: 'results', batch: message.batch, results }))
        .catch((error: unknown) => log('answering the parent', error));
    } else if (message.type === 'close') {
      void runtime.close()
        .catch((error: unknown) => log('close', error))
        .then(() => say({ type: 'closed' }))
        .catch(() => undefined) // the parent may be gone already
        .finally(() => process.exit(0));
    }
  });
  await say({ type: 'ready', startedInMs: Date.now() - started });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the bot process needs ${name}`);
  return value;
}

if (require.main === module) void serve();

// ---- the parent's side ----------------------------------------------------------------------

/** The master a group of Sentinels names. */
export interface SentinelDeployment {
  readonly sentinels: readonly SentinelAddress[];
  readonly name: string;
}

/** Where a bot connects: a standalone Redis, a seed node of a Redis Cluster, or Sentinel's master (then `url` is unused). */
export interface Deployment {
  readonly url: string;
  readonly cluster: boolean;
  readonly sentinel?: SentinelDeployment;
}

/** The production endpoint of a deployment. */
export function endpointOf(deployment: Deployment): RedisEndpoint {
  if (deployment.sentinel) return { kind: 'sentinel', sentinels: deployment.sentinel.sentinels, name: deployment.sentinel.name };
  return deployment.cluster ? { kind: 'cluster', seeds: [deployment.url] } : { kind: 'standalone', url: deployment.url };
}

/** The deployment of a test target (test/helpers/redis-targets.ts). */
export function deploymentOf(target: RedisTarget): Deployment {
  if (target.name === 'redis') return { url: redisUrl(), cluster: false };
  const [seed] = testClusterNodes();
  if (!seed) throw new Error('the test Redis Cluster has no node');
  return { url: `redis://${seed.host}:${seed.port}`, cluster: true };
}

/** A connection with the production's fail-fast options (connection.ts) to a deployment. */
export async function connectTo(deployment: Deployment): Promise<Redis | Cluster> {
  const connection = await connectEndpoint(endpointOf(deployment));
  connection.on('error', () => undefined); // a test's own outage is expected; its calls reject
  return connection;
}

/** Deletes every key under `prefix` (node by node on a cluster), and nothing else. */
export async function deleteKeys(connection: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = 'isCluster' in connection && connection.isCluster ? (connection as Cluster).nodes('master') : [connection as Redis];
  for (const node of nodes) {
    const keys = await keysByPrefix(node, prefix);
    // One key per UNLINK, on the node itself: on a cluster the keys of one node may span slots.
    for (let i = 0; i < keys.length; i += 1_000) {
      const pipeline = node.pipeline();
      for (const key of keys.slice(i, i + 1_000)) pipeline.unlink(key);
      await pipeline.exec();
    }
  }
}

/** An engine on the deployment, for the test to read from (its scheduler is in memory and never started). */
export function inspector(deployment: Deployment, prefix: string, spec: CampaignSpec, options: { quiet?: boolean } = {}): Promise<Runtime> {
  return redisRuntime({
    campaigns: [spec], clock: new SystemClock(), endpoint: endpointOf(deployment), prefix, scheduler: 'memory', drainMs: 0,
    // `quiet`: a test whose Redis goes away on purpose does not print the connection's errors.
    ...(options.quiet ? { onError: () => undefined } : {}),
  });
}

export interface BotOptions {
  readonly deployment: Deployment;
  readonly prefix: string;
  readonly spec: CampaignSpec;
  /** Default `bullmq`, as in production. */
  readonly scheduler?: 'bullmq' | 'memory';
  /** Shown in errors. */
  readonly name?: string;
  /** COCREATE_ACK of the bot. Default `redis`. */
  readonly ack?: AckMode;
  readonly ackTimeoutMs?: number;
  /** Whether the bot's outbox delivers (to one local target, reported in `deliveries`). Default false. */
  readonly deliver?: boolean;
  /** Default 30 s. */
  readonly startTimeoutMs?: number;
}

const WORKER = join(__dirname, 'redis-worker.ts');
const ROOT = resolve(__dirname, '..', '..');

/**
 * A running bot process. Every bot started is also remembered until it exits, so that an
 * `afterEach(() => BotProcess.killAll())` stops them whatever happened in the test.
 */
export class BotProcess {
  private static readonly running = new Set<BotProcess>();

  /** How long the bot took from its first line to a started engine. */
  startedInMs = 0;
  /** What its outbox delivered, in order (with `deliver`). */
  readonly deliveries: { eventId: string; kind: string }[] = [];
  /** The durability warnings its runtime gave. */
  readonly warnings: string[] = [];
  private readonly waiting = new Map<number, { resolve(results: readonly CommandResult[]): void; reject(error: Error): void }>();
  private nextBatch = 0;
  private log = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly name: string) {
    BotProcess.running.add(this);
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-8_000);
      if (process.env.COCREATE_TEST_VERBOSE) process.stderr.write(`[${name}] ${chunk.toString()}`);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (message: FromBot) => this.receive(message));
    this.exited = new Promise((done) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        BotProcess.running.delete(this);
        const error = new Error(`${this.describe()} exited (${signal ?? `code ${code}`}) before answering${signal === 'SIGKILL' ? '' : `; its last output:\n${this.log}`}`);
        for (const { reject } of this.waiting.values()) reject(error);
        this.waiting.clear();
        done();
      });
    });
  }

  /** Starts a bot process and resolves once its engine has started; rejects with its reason otherwise. */
  static async start(options: BotOptions): Promise<BotProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        COCREATE_BOT_REDIS: options.deployment.url,
        COCREATE_BOT_CLUSTER: options.deployment.cluster ? '1' : '0',
        COCREATE_BOT_PREFIX: options.prefix,
        COCREATE_BOT_SPEC: JSON.stringify(options.spec),
        COCREATE_BOT_SCHEDULER: options.scheduler ?? 'bullmq',
        COCREATE_BOT_SENTINEL: options.deployment.sentinel ? JSON.stringify(options.deployment.sentinel) : '',
        COCREATE_BOT_ACK: options.ack ?? '',
        COCREATE_BOT_ACK_TIMEOUT_MS: options.ackTimeoutMs === undefined ? '' : String(options.ackTimeoutMs),
        COCREATE_BOT_DELIVER: options.deliver ? '1' : '0',
      },
    });
    const bot = new BotProcess(child, options.name ?? 'bot');
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((ready, fail) => {
        timer = setTimeout(() => fail(new Error(`${bot.describe()} did not start within ${timeoutMs} ms`)), timeoutMs);
        child.once('error', fail);
        child.on('message', (message: FromBot) => {
          if (message.type === 'ready') {
            bot.startedInMs = message.startedInMs;
            ready();
          } else if (message.type === 'failed') {
            fail(new Error(`${bot.describe()} could not start: ${message.message}`));
          }
        });
        void bot.exited.then(() => fail(new Error(`${bot.describe()} exited while starting`)));
      });
    } catch (error) {
      await bot.kill();
      throw new Error(`${(error as Error).message}\n${bot.log}`);
    } finally {
      clearTimeout(timer);
    }
    return bot;
  }

  /** Kills every bot still running (SIGKILL) and waits for their exit. */
  static async killAll(): Promise<void> {
    await Promise.all([...BotProcess.running].map((bot) => bot.kill()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last lines the bot wrote on stdout and stderr. */
  get output(): string {
    return this.log;
  }

  /**
   * Sends orders as one batch; resolves with the engine's answer to each, in order, once the
   * bot has answered them all. Rejects if the bot exits first: nothing of that batch was acknowledged.
   */
  execute(orders: readonly Order[]): Promise<readonly CommandResult[]> {
    if (this.exit || !this.child.connected) return Promise.reject(new Error(`${this.describe()} is not running`));
    const batch = this.nextBatch++;
    return new Promise((resolve, reject) => {
      this.waiting.set(batch, { resolve, reject });
      this.child.send({ type: 'execute', batch, orders } satisfies ToBot, (error) => {
        if (!error) return;
        this.waiting.delete(batch);
        reject(error);
      });
    });
  }

  /** Signals the bot (SIGKILL by default, as in a crash) and waits for its exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.exit) this.child.kill(signal);
    await this.exited;
  }

  /** Asks the bot to close its runtime and exit; kills it if it has not exited within `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.exit) return;
    if (this.child.connected) this.child.send({ type: 'close' } satisfies ToBot, () => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private receive(message: FromBot): void {
    if (message.type === 'delivered') this.deliveries.push({ eventId: message.eventId, kind: message.kind });
    if (message.type === 'warning') this.warnings.push(message.message);
    if (message.type === 'results') {
      const waiting = this.waiting.get(message.batch);
      this.waiting.delete(message.batch);
      waiting?.resolve(message.results);
    }
  }

  private describe(): string {
    return `bot process ${this.name} (pid ${this.pid})`;
  }
}

// ---- campaigns and fans for these tests -----------------------------------------------------

/** The options of the fixed-option category of `votingSpec`. */
export const FLAVOURS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

/**
 * A campaign whose one category, `flavour`, votes among fixed options from a minute ago for an
 * hour (so a bot starting now finds it in its vote), one ballot per fan unless `allowChange`.
 */
export function votingSpec(id: string, options: { allowChange?: boolean } = {}): CampaignSpec {
  const now = Date.now();
  const end = now + 3_600_000;
  return campaign([fixedCategory('flavour', FLAVOURS, {
    phases: [{ phase: 'vote', start: now - 60_000, end }],
    revealAt: end,
    vote: { method: 'single', allowChange: options.allowChange ?? false },
  })], { id });
}

/** Fan number `n`: even ones on Telegram, odd ones on Discord (one store for both, DESIGN invariant 10). */
export function fanActor(n: number): Actor {
  return { platform: n % 2 ? 'discord' : 'telegram', userId: String(1_000_000 + n), displayName: `fan ${n}` };
}

/** A ballot of fan `n` for `choice` in the `flavour` category. */
export function ballot(campaignId: string, n: number, choice: string): Order {
  return { command: { type: 'vote', campaignId, categoryId: 'flavour', choice: [choice] }, actor: fanActor(n) };
}

/** The option ids of the `flavour` category, in order. */
export async function flavourIds(runtime: Runtime, campaignId: string): Promise<string[]> {
  return (await runtime.store.getShortlist(campaignId, 'flavour')).map((p) => p.id);
}

/** Every stored ballot of a category: voterKey → choice (a voterKey met twice throws). */
export async function storedBallots(runtime: Runtime, campaignId: string, categoryId = 'flavour'): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for await (const batch of runtime.store.scanBallots(campaignId, categoryId)) {
    for (const { voterKey, choice } of batch) {
      if (stored.has(voterKey)) throw new Error(`the store holds two ballots of ${voterKey} in ${categoryId}`);
      stored.set(voterKey, choice.join(','));
    }
  }
  return stored;
}

/** 'ok' or the refusal code. */
export function outcome(result: CommandResult): string {
  return result.ok ? 'ok' : result.code;
}

/** How many results of each outcome ('ok' or the refusal code). */
export function outcomes(results: Iterable<CommandResult>): Record<string, number> {
  return countOf([...results].map(outcome));
}

/** How many times each value occurs. */
export function countOf(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
