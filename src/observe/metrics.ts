/**
 * Prometheus metrics of a running bot (prom-client), fed from the composition root by thin
 * wrappers around the engine's entry point, the scheduler's handler and each platform's
 * outbox delivery: the engine itself never imports prom-client.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Actor } from '../model/campaign';
import type { Command, CommandResult } from '../engine/commands';
import type { Clock } from '../ports/clock';
import { RateLimitedError, type Deliver, type Outbox } from '../ports/outbox';
import type { PhaseScheduler } from '../ports/phase-scheduler';
import type { CommandRunner } from '../chat/runner';

export type { CommandRunner } from '../chat/runner';

/** An outbox that can tell how many deliveries are waiting (both implementations can). */
export interface BacklogSource {
  backlog(): Promise<number>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly commands: Counter<'command' | 'outcome'>;
  readonly proposals: Counter<'campaign'>;
  readonly ballots: Counter<'campaign'>;
  readonly refusals: Counter<'code'>;
  readonly deliveries: Counter<'platform' | 'outcome'>;
  readonly rateLimited: Counter<'platform'>;
  readonly backlog: Gauge;
  readonly lateness: Histogram;
  readonly commandSeconds: Histogram<'command'>;
  private backlogSource: BacklogSource | null = null;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'cocreate_process_' });
    this.commands = new Counter({ name: 'cocreate_commands_total', help: 'Commands answered by the engine, by command type and outcome (ok or refused).', labelNames: ['command', 'outcome'], registers });
    this.proposals = new Counter({ name: 'cocreate_proposals_total', help: 'Proposals accepted (durable in the store).', labelNames: ['campaign'], registers });
    this.ballots = new Counter({ name: 'cocreate_ballots_total', help: 'Ballots accepted (durable in the store), new or changed.', labelNames: ['campaign'], registers });
    this.refusals = new Counter({ name: 'cocreate_refusals_total', help: 'Commands refused, by refusal code (store.unavailable: the store could not confirm).', labelNames: ['code'], registers });
    this.deliveries = new Counter({ name: 'cocreate_outbox_deliveries_total', help: 'Outbox delivery attempts, by platform and outcome (ok, rate_limited, failed).', labelNames: ['platform', 'outcome'], registers });
    this.rateLimited = new Counter({ name: 'cocreate_outbox_rate_limited_total', help: 'Outbox deliveries the platform answered with 429 Too Many Requests.', labelNames: ['platform'], registers });
    const self = this;
    this.backlog = new Gauge({
      name: 'cocreate_outbox_backlog', help: 'Deliveries waiting in the outbox (queued, delayed or running).', registers,
      async collect() {
        if (self.backlogSource) this.set(await self.backlogSource.backlog().catch(() => -1));
      },
    });
    this.lateness = new Histogram({
      name: 'cocreate_phase_transition_lateness_seconds', help: 'How late a scheduled phase job fired after its due time.', registers,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    this.commandSeconds = new Histogram({
      name: 'cocreate_command_duration_seconds', help: 'Time the engine took to answer a command (store round trips included).', labelNames: ['command'], registers,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
  }

  /** The outbox whose backlog the gauge reports, read at each scrape. */
  watchBacklog(source: BacklogSource): void {
    this.backlogSource = source;
  }

  /** Counts one engine answer. */
  recordCommand(command: Command, result: CommandResult, seconds: number): void {
    this.commands.inc({ command: command.type, outcome: result.ok ? 'ok' : 'refused' });
    this.commandSeconds.observe({ command: command.type }, seconds);
    if (!result.ok) {
      this.refusals.inc({ code: result.code });
      return;
    }
    if (result.type === 'propose') this.proposals.inc({ campaign: command.campaignId });
    if (result.type === 'vote') this.ballots.inc({ campaign: command.campaignId });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The engine's entry point, counted; `after` sees every answer (logging). */
export function observeCommands(runner: CommandRunner, metrics: Metrics, after?: (command: Command, actor: Actor, result: CommandResult, ms: number) => void): CommandRunner {
  return {
    async execute(command, actor) {
      const started = performance.now();
      const result = await runner.execute(command, actor);
      const ms = performance.now() - started;
      metrics.recordCommand(command, result, ms / 1000);
      after?.(command, actor, result, ms);
      return result;
    },
  };
}

/** A scheduler whose phase jobs report how late they fire (on `clock`). */
export function observeScheduler(scheduler: PhaseScheduler, clock: Clock, metrics: Metrics): PhaseScheduler {
  return {
    schedule: (job) => scheduler.schedule(job),
    cancel: (id) => scheduler.cancel(id),
    pending: () => scheduler.pending(),
    close: () => scheduler.close(),
    start: (handler) => scheduler.start((job) => {
      if (job.kind === 'phase.due') metrics.lateness.observe(Math.max(0, clock.now() - job.at) / 1000);
      return handler(job);
    }),
  };
}

/** An outbox whose registered deliveries are counted (429s apart). */
export function observeOutbox<O extends Outbox>(outbox: O, metrics: Metrics): O {
  const register = outbox.register.bind(outbox);
  const observed: Outbox['register'] = (platform, deliver, targets) => {
    const counted: Deliver = async (event, target) => {
      try {
        await deliver(event, target);
        metrics.deliveries.inc({ platform, outcome: 'ok' });
      } catch (error) {
        const limited = error instanceof RateLimitedError || (error instanceof Error && error.name === 'RateLimitedError');
        if (limited) metrics.rateLimited.inc({ platform });
        metrics.deliveries.inc({ platform, outcome: limited ? 'rate_limited' : 'failed' });
        throw error;
      }
    };
    register(platform, counted, targets);
  };
  return new Proxy(outbox, {
    get(target, key, receiver) {
      if (key === 'register') return observed;
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
