/**
 * What an adapter gets from `cocreate run`: the engine (its only way to change state), the
 * campaigns, and the outbox to register its delivery function with. It never sees the store,
 * Redis or BullMQ.
 */
import type { CampaignSpec } from '../model/campaign';
import type { CommandRunner } from '../chat/runner';
import type { Outbox } from '../ports/outbox';
import type { RunConfig } from '../config';

export interface PlatformContext {
  readonly engine: CommandRunner;
  readonly campaigns: readonly CampaignSpec[];
  readonly outbox: Outbox;
  readonly config: RunConfig;
  /** One line to the operator's log (standard error). */
  readonly log: (line: string) => void;
}

export interface RunningPlatform {
  readonly name: 'discord' | 'telegram';
  /** Stops taking commands and closes the platform connection. */
  stop(): Promise<void>;
  /** Null when connected to the platform, else why not (for `/healthz`). */
  health(): string | null;
}
