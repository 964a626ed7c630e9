/**
 * The runtime a host program embeds: `createCocreate({ campaigns, store })` validates the
 * campaigns (files or objects, with the same problems `cocreate validate` lists), connects the
 * store, and answers a `Cocreate` that runs the engine, takes commands through one entry point,
 * and tells the host what happens (`proposal`, `ballot`, `reveal`). Chat platforms join it with
 * `attach` (see platform.ts), on the host's own clients.
 */
import { SystemClock } from '../clock/system-clock';
import { validateCampaignObject } from '../config/campaign-object';
import { encodeDefinition } from '../config/definition';
import { loadCampaignFile } from '../config/loader';
import type { CampaignFile, CampaignFileInput } from '../config/schema';
import type { Command, CommandResult } from '../engine/commands';
import type { ResultsDocument } from '../engine/engine';
import { fanKey, type Actor, type CampaignSpec, type Locale, type Platform } from '../model/campaign';
import type { CampaignEvent } from '../model/events';
import type { Clock } from '../ports/clock';
import type { Deliver, DeliveryTarget } from '../ports/outbox';
import { CommandGate } from '../cli/command-gate';
import { embeddedRuntime, redisRuntime, type Runtime } from '../cli/runtime';
import { CocreateError, formatCampaignProblem, type CampaignProblem } from './errors';
import { HostEvents, type CocreateEvents, type Listener } from './events';
import type { AttachedPlatform, HostPlatform } from './platform';

/** A Redis store: durable, shared by every process that runs the same campaigns on it. */
export interface RedisStoreOptions {
  /** `redis://…` of the server, or of a seed node when `cluster` is true. */
  readonly redisUrl: string;
  readonly cluster?: boolean;
  /** Separates deployments sharing one Redis (default `cocreate:`, as `cocreate run`). */
  readonly prefix?: string;
}

/** What `createCocreate` takes. */
export interface CocreateOptions {
  /**
   * The campaigns: paths of campaign files (.yaml, .yml, .json) or campaign objects written as
   * a file would hold them. Each is validated as `cocreate validate` does; ids must differ.
   */
  readonly campaigns: readonly (string | CampaignFileInput)[];
  /**
   * `memory` (the default): the embedded store, in this process; nothing survives `stop()`.
   * Or a Redis: durable, several processes may share it (one ballot per fan, one reveal).
   */
  readonly store?: 'memory' | RedisStoreOptions;
  /** The engine's time (default: the system clock). Tests pass a `VirtualClock`. */
  readonly clock?: Clock;
  /** The locale platforms speak where a campaign does not say. */
  readonly locale?: Locale;
  /** Lines for the host's log (default: none). */
  readonly log?: (line: string) => void;
  /** How long `stop()` lets the outbox deliver what is due before closing, in ms (default 10 000). */
  readonly drainMs?: number;
}

/** The target through which the outbox hands announcements to the host (see `Cocreate.start`). */
const HOST_TARGET: DeliveryTarget = { platform: 'local', channel: 'host' };

/**
 * Validates the campaigns, connects the store and answers the runtime, not yet started.
 *
 * @throws {@link CocreateError} `campaign.invalid` with every problem of every campaign (a file's
 * as `FILE:LINE:COL path: message`, an object's as `path: message`), or `store.unreachable`.
 */
export async function createCocreate(options: CocreateOptions): Promise<Cocreate> {
  const campaigns = validateAll(options.campaigns);
  const clock = options.clock ?? new SystemClock();
  const events = new HostEvents((error, context) => process.stderr.write(`cocreate: ${context}: ${error instanceof Error ? error.message : String(error)}\n`));
  const onError = (error: unknown, context: string) => events.error(error, context);
  const specs = campaigns.map((c) => c.spec);
  let runtime: Runtime;
  const store = options.store ?? 'memory';
  if (store === 'memory') {
    runtime = embeddedRuntime({ campaigns: specs, clock, onError });
  } else {
    try {
      runtime = await redisRuntime({
        campaigns: specs, clock, url: store.redisUrl, onError,
        ...(store.cluster === undefined ? {} : { cluster: store.cluster }),
        ...(store.prefix === undefined ? {} : { prefix: store.prefix }),
      });
    } catch (error) {
      throw new CocreateError('store.unreachable', (error as Error).message, [], { cause: error });
    }
  }
  return new CocreateRuntime(runtime, campaigns, clock, options, events);
}

/** Every campaign validated; all the problems at once. */
function validateAll(entries: CocreateOptions['campaigns']): { spec: CampaignSpec; file: CampaignFile }[] {
  const valid: { spec: CampaignSpec; file: CampaignFile }[] = [];
  const problems: CampaignProblem[] = [];
  entries.forEach((entry, campaign) => {
    if (typeof entry === 'string') {
      const loaded = loadCampaignFile(entry);
      if (loaded.ok) valid.push({ spec: loaded.spec, file: loaded.file });
      else problems.push(...loaded.problems.map((p) => ({ campaign, file: p.file, line: p.line, col: p.col, path: p.path, message: p.message })));
    } else {
      const validated = validateCampaignObject(entry);
      if (validated.ok) valid.push({ spec: validated.spec, file: validated.file });
      else problems.push(...validated.problems.map((p) => ({ campaign, path: p.path, message: p.message })));
    }
  });
  if (problems.length > 0) {
    throw new CocreateError('campaign.invalid', `invalid campaign${problems.length > 1 ? 's' : ''}:\n${problems.map(formatCampaignProblem).join('\n')}`, problems);
  }
  const ids = valid.map((c) => c.spec.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) {
    const twins = ids.flatMap((id, i) => (id === twice ? [i] : []));
    throw new CocreateError('campaign.invalid', `two campaigns declare the id "${twice}" (campaigns ${twins.join(' and ')})`,
      twins.slice(1).map((campaign) => ({ campaign, path: 'id', message: `the id "${twice}" is already declared by campaign ${twins[0]}` })));
  }
  if (valid.length === 0) throw new CocreateError('campaign.invalid', 'no campaign given: `campaigns` lists files or objects');
  return valid;
}

type LocalDelivery = { readonly deliver: Deliver; readonly targets: (campaignId: string) => readonly DeliveryTarget[] };

/**
 * A running cocreate: the engine on its store, scheduler and outbox. Create it with
 * {@link createCocreate}, subscribe to its events, `attach` platforms, then `start()` it;
 * `stop()` it with the host.
 */
export interface Cocreate {
  /** The campaigns it runs, validated and resolved (times as UTC epoch ms). */
  readonly campaigns: readonly CampaignSpec[];

  /** Calls `listener` on each `name` event (see {@link CocreateEvents}); a listener that throws is reported as an `error` event. */
  on<K extends keyof CocreateEvents>(name: K, listener: Listener<CocreateEvents[K]>): this;

  /** Stops calling `listener` on `name`. */
  off<K extends keyof CocreateEvents>(name: K, listener: Listener<CocreateEvents[K]>): this;

  /**
   * Creates the campaigns' state in the store when it is new, applies once each the phase
   * changes whose time passed while nothing ran, schedules the next ones, and starts handing
   * results to the host: each category's `reveal` reaches the host once, also for a reveal that
   * happened while no host ran. On a Redis store, the runtimes sharing a key prefix are one
   * deployment: a reveal reaches one of them (the outbox's `local` deliveries are shared), so
   * they should run the same campaigns, and no `cocreate run` with the local terminal chat should
   * share their prefix. The store keeps each campaign's definition, so that `cocreate results ID`
   * and the other tools find it.
   *
   * @throws {@link CocreateError} `runtime.already-started` or `runtime.stopped`.
   */
  start(): Promise<void>;

  /**
   * The engine's one entry point: runs `command` for `actor` (permissions checked from the
   * campaign's roles) and answers a success — only once it is durable — or a typed refusal whose
   * `code` is also the key of its French and English message. Never throws. A proposal or a
   * ballot it accepts is told to the host (`proposal`, `ballot`). Once stopping: `bot.restarting`.
   */
  execute(command: Command, actor: Actor): Promise<CommandResult>;

  /** The results document of a campaign (as `cocreate results ID` prints it): counts only for revealed categories. */
  results(campaignId: string): Promise<ResultsDocument>;

  /**
   * Attaches a chat platform (a host's discord.js client, telegraf bot… wrapped in a
   * {@link HostPlatform}): it registers cocreate's commands and handlers on the host's client
   * and its delivery of announcements. Before or after `start()`.
   *
   * @throws {@link CocreateError} `platform.already-attached` (that name, or that platform's
   * delivery, is taken), `platform.attach-failed` (nothing stays registered), `runtime.stopped`.
   */
  attach(platform: HostPlatform): Promise<void>;

  /**
   * Stops cleanly: no new command (answered `bot.restarting`), the commands under way finish,
   * the announcements due are delivered (bounded by `drainMs`; with Redis, what is left stays
   * queued for the next start), the platforms detach from the host's clients, and the store
   * closes. Idempotent.
   */
  stop(): Promise<void>;
}

/** The implementation of {@link Cocreate}. */
class CocreateRuntime implements Cocreate {
  readonly campaigns: readonly CampaignSpec[];
  private readonly gate: CommandGate;
  private readonly platforms = new Map<string, AttachedPlatform>();
  /** Names of the platforms attached or attaching. */
  private readonly names = new Set<string>();
  /** Platforms whose delivery is registered on the outbox, or reserved by a platform attaching (one each). */
  private readonly delivering = new Set<Platform>();
  /** Deliveries to the `local` platform, sharing it with the host's own target. */
  private readonly local: LocalDelivery[] = [];
  private state: 'created' | 'started' | 'stopping' | 'stopped' = 'created';
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly loaded: readonly { spec: CampaignSpec; file: CampaignFile }[],
    private readonly clock: Clock,
    private readonly options: CocreateOptions,
    private readonly events: HostEvents,
  ) {
    this.campaigns = loaded.map((c) => c.spec);
    this.gate = new CommandGate(runtime.engine);
  }

  on<K extends keyof CocreateEvents>(name: K, listener: Listener<CocreateEvents[K]>): this {
    this.events.on(name, listener);
    return this;
  }

  off<K extends keyof CocreateEvents>(name: K, listener: Listener<CocreateEvents[K]>): this {
    this.events.off(name, listener);
    return this;
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new CocreateError(this.state === 'started' ? 'runtime.already-started' : 'runtime.stopped', `start: the runtime is already ${this.state}`);
    this.state = 'started';
    this.registerLocal();
    await this.runtime.engine.start();
    for (const { spec, file } of this.loaded) {
      await this.runtime.store.saveDefinition(spec.id, encodeDefinition(file)).catch((error: unknown) => this.events.error(error, `keeping the definition of ${spec.id} in the store`));
    }
  }

  async execute(command: Command, actor: Actor): Promise<CommandResult> {
    const result = await this.gate.execute(command, actor);
    if (result.ok && result.type === 'propose') {
      const p = result.proposal;
      this.events.emit('proposal', { campaignId: command.campaignId, categoryId: p.categoryId, proposalId: p.id, text: p.text, fan: fanKey(actor), author: p.authorName ?? actor.displayName, platform: p.platform ?? (actor.platform === 'system' ? 'local' : actor.platform), at: p.createdAt });
    } else if (result.ok && result.type === 'vote') {
      this.events.emit('ballot', { campaignId: command.campaignId, categoryId: result.categoryId, fan: fanKey(actor), changed: result.changed, at: this.clock.now() });
    }
    return result;
  }

  results(campaignId: string): Promise<ResultsDocument> {
    return this.runtime.engine.report(campaignId);
  }

  async attach(platform: HostPlatform): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') throw new CocreateError('runtime.stopped', `attach ${platform.name}: the runtime is ${this.state}`);
    if (this.names.has(platform.name)) throw new CocreateError('platform.already-attached', `a platform named "${platform.name}" is already attached`);
    this.names.add(platform.name);
    // Deliveries are reserved when asked and registered once `attach` succeeded: a platform that
    // fails leaves none, and two platforms attaching at once cannot both take one platform's.
    const pending: { platform: Platform; deliver: Deliver; targets: (campaignId: string) => readonly DeliveryTarget[] }[] = [];
    let attached: AttachedPlatform;
    try {
      attached = await platform.attach({
        campaigns: this.campaigns,
        ...(this.options.locale ? { locale: this.options.locale } : {}),
        execute: (command, actor) => this.execute(command, actor),
        deliver: (name, deliver, targets) => {
          if (name !== 'local') {
            if (this.delivering.has(name)) throw new CocreateError('platform.already-attached', `deliveries to ${name} are already registered by another attached platform`);
            this.delivering.add(name);
          }
          pending.push({ platform: name, deliver, targets });
        },
        log: (line) => this.options.log?.(line),
      });
    } catch (error) {
      this.names.delete(platform.name);
      for (const p of pending) this.delivering.delete(p.platform);
      if (error instanceof CocreateError) throw error;
      throw new CocreateError('platform.attach-failed', `attach ${platform.name}: ${(error as Error).message}`, [], { cause: error });
    }
    this.platforms.set(platform.name, attached);
    for (const p of pending) this.registerDelivery(p.platform, p.deliver, p.targets);
  }

  stop(): Promise<void> {
    if (this.state === 'created') this.state = 'stopping';
    this.stopped ??= (async () => {
      this.state = 'stopping';
      await this.gate.close();
      await this.runtime.engine.idle();
      // Deliver what is due while the platforms are still attached (bounded: with Redis the rest stays queued).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.runtime.outbox.idle(), new Promise<void>((resolve) => { timer = setTimeout(resolve, this.options.drainMs ?? 10_000); })]);
      clearTimeout(timer);
      await Promise.allSettled([...this.platforms.values()].map((p) => p.detach()));
      await this.runtime.close();
      this.state = 'stopped';
    })();
    return this.stopped;
  }

  private registerDelivery(platform: Platform, deliver: Deliver, targets: (campaignId: string) => readonly DeliveryTarget[]): void {
    if (platform === 'local') {
      this.local.push({ deliver, targets });
      if (this.state === 'started') this.registerLocal();
      return;
    }
    this.runtime.outbox.register(platform, deliver, targets);
  }

  /**
   * The `local` platform's one registration: the host's own target (results become `reveal`
   * events) beside any local chat attached. Through the outbox, a reveal reaches the host
   * once per target, like any announcement reaches a channel.
   */
  private registerLocal(): void {
    const host: LocalDelivery = { deliver: async (event) => this.toHost(event), targets: () => [HOST_TARGET] };
    const all = [host, ...this.local];
    this.runtime.outbox.register(
      'local',
      async (event, target) => {
        const owner = target.channel === HOST_TARGET.channel ? host : this.local.find((d) => d.targets(event.campaignId).some((t) => t.channel === target.channel));
        await owner?.deliver(event, target);
      },
      (campaignId) => all.flatMap((d) => d.targets(campaignId)),
    );
  }

  private toHost(event: CampaignEvent): void {
    if (event.kind !== 'results') return;
    this.events.emit('reveal', {
      campaignId: event.campaignId, categoryId: event.categoryId, ballots: event.ballots, winners: event.winners,
      standings: event.standings ?? [], at: event.at,
    });
  }
}

