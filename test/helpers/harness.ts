/**
 * Builds an engine on the embedded default (memory store, memory scheduler, memory outbox)
 * with a virtual clock, plus small builders for campaigns, so engine tests read like a story.
 */
import { Engine } from '../../src/engine/engine';
import type { Actor, CampaignSpec, CategorySpec, Role } from '../../src/model/campaign';
import type { CampaignEvent } from '../../src/model/events';
import type { Command, CommandResult, Success } from '../../src/engine/commands';
import type { Refusal } from '../../src/model/refusals';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { MemoryPhaseScheduler } from '../../src/scheduler/memory-scheduler';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Campaign time zero: 2030-01-01T00:00Z. */
export const T0 = Date.UTC(2030, 0, 1);

/** A category with a propose (7 d from T0+1h), shortlist (1 d) and vote (2 d) window. */
export function category(id: string, overrides: Partial<CategorySpec> = {}): CategorySpec {
  const start = T0 + HOUR;
  const proposeEnd = start + 7 * DAY;
  const shortlistEnd = proposeEnd + DAY;
  const voteEnd = shortlistEnd + 2 * DAY;
  return {
    id,
    title: `Title ${id}`,
    prompt: `Prompt ${id}`,
    phases: [
      { phase: 'propose', start, end: proposeEnd },
      { phase: 'shortlist', start: proposeEnd, end: shortlistEnd },
      { phase: 'vote', start: shortlistEnd, end: voteEnd },
    ],
    revealAt: voteEnd,
    proposals: { minLength: 3, maxLength: 40, perFan: 2 },
    shortlist: { by: 'curators', size: 3 },
    vote: { method: 'single', allowChange: true },
    reveal: { winners: 1, tieBreak: 'earliest' },
    ...overrides,
  };
}

/** A fixed-option category: vote only, from T0+1h for 2 days. */
export function fixedCategory(id: string, options: string[], overrides: Partial<CategorySpec> = {}): CategorySpec {
  const start = T0 + HOUR;
  return category(id, {
    options,
    phases: [{ phase: 'vote', start, end: start + 2 * DAY }],
    revealAt: start + 2 * DAY,
    shortlist: { by: 'curators', size: options.length },
    ...overrides,
  });
}

export function campaign(categories: CategorySpec[], overrides: Partial<CampaignSpec> = {}): CampaignSpec {
  return {
    id: 'test-campaign',
    title: 'Test campaign',
    locale: 'en',
    channels: { discord: [], telegram: [] },
    roles: { curators: { discord: ['role-curator'], telegram: ['555'] }, managers: { discord: ['role-manager'], telegram: ['777'] } },
    categories,
    ...overrides,
  };
}

export function fan(name: string, roles: Role[] = []): Actor {
  return { platform: 'local', userId: name, displayName: name, grantedRoles: roles };
}

export interface Harness {
  readonly engine: Engine;
  readonly clock: VirtualClock;
  readonly store: MemoryCampaignStore;
  readonly outbox: MemoryOutbox;
  readonly scheduler: MemoryPhaseScheduler;
  /** Every event delivered to the local channel, in order. */
  readonly delivered: CampaignEvent[];
  /** Errors the engine reported (a test fails if any is unexpected). */
  readonly errors: unknown[];
  readonly spec: CampaignSpec;
  /** Runs a command as an actor on the test campaign. */
  run<C extends CommandBody>(actor: Actor, command: C): Promise<ResultOf<C['type']>>;
  /** Moves virtual time to `t`, firing every scheduler job on the way, and lets deliveries settle. */
  until(t: number): Promise<void>;
  /** Lets pending async work (deliveries, handlers) settle without moving time. */
  settle(): Promise<void>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type CommandBody = DistributiveOmit<Command, 'campaignId'>;
/** The result a command of type T can answer: its own success shape, or a refusal. */
export type ResultOf<T extends string> = (Success extends infer S ? (S extends { type: infer X } ? (T extends X ? S : never) : never) : never) | Refusal;

export async function harness(spec: CampaignSpec, options: { start?: number; store?: MemoryCampaignStore; outbox?: MemoryOutbox } = {}): Promise<Harness> {
  const clock = new VirtualClock(options.start ?? T0);
  const delivered: CampaignEvent[] = [];
  const errors: unknown[] = [];
  const outbox = options.outbox ?? new MemoryOutbox({ baseDelayMs: 1 });
  outbox.register('local', async (event) => { delivered.push(event); }, () => [{ platform: 'local', channel: 'terminal' }]);
  const store = options.store ?? new MemoryCampaignStore({ outbox });
  const scheduler = new MemoryPhaseScheduler({ clock, onError: (e) => errors.push(e) });
  const engine = new Engine({ campaigns: [spec], store, scheduler, outbox, clock, onError: (e) => errors.push(e) });
  await engine.start();
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    await outbox.idle();
  };
  await settle();
  return {
    engine, clock, store, outbox, scheduler, delivered, errors, spec,
    run: async <C extends CommandBody>(actor: Actor, command: C) =>
      (await engine.execute({ ...command, campaignId: spec.id } as Command, actor)) as ResultOf<C['type']>,
    until: async (t) => { await clock.runUntil(t); await settle(); },
    settle,
  };
}

/** Asserts a success and narrows it. */
export function ok<T extends CommandResult>(result: T): Exclude<T, Refusal> {
  if (!result.ok) throw new Error(`expected success, got refusal ${result.code}`);
  return result as Exclude<T, Refusal>;
}

/** The refusal code, or 'ok'. */
export function code(result: CommandResult): string {
  return result.ok ? 'ok' : result.code;
}
