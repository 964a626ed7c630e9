/**
 * How a chat platform joins a runtime (`Cocreate.attach`): the host hands over a client it
 * already runs (a discord.js Client, a telegraf bot…) wrapped in a `HostPlatform`, which
 * registers cocreate's commands and handlers beside the host's own and delivers the
 * campaign's announcements to its channels.
 */
import type { Actor, CampaignSpec, Locale, Platform } from '../model/campaign';
import type { Command, CommandResult } from '../engine/commands';
import type { Deliver, DeliveryTarget } from '../ports/outbox';

/** What a platform gets from the runtime when it attaches. It never sees the store, Redis or BullMQ. */
export interface AttachContext {
  /** The campaigns the runtime runs, validated and resolved. */
  readonly campaigns: readonly CampaignSpec[];
  /** The locale to speak when the campaign does not say (the campaign's own `locale` otherwise). */
  readonly locale?: Locale;
  /**
   * The engine's one entry point, for every fan, curator and manager action: checks the actor's
   * permissions and answers a result, a success only once it is durable. Emits the runtime's
   * `proposal` and `ballot` events. Answers `bot.restarting` once the runtime is stopping.
   */
  execute(command: Command, actor: Actor): Promise<CommandResult>;
  /**
   * Registers how announcements reach this platform: `deliver` sends one event to one target
   * (rejecting asks for a retry; a `RateLimitedError` waits as the platform asked), `targets`
   * lists a campaign's targets on the platform. Events announced before it registers are
   * delivered when it does.
   */
  deliver(platform: Platform, deliver: Deliver, targets: (campaignId: string) => readonly DeliveryTarget[]): void;
  /** One line to the host's log. */
  log(line: string): void;
}

/** A platform attached to a runtime. */
export interface AttachedPlatform {
  /** Removes what `attach` registered on the host's client (commands, handlers); the host's client stays up. */
  detach(): Promise<void>;
  /** Null when the platform is reachable, else why not. */
  health?(): string | null;
}

/**
 * A chat platform that can join a runtime. `attach` registers cocreate's commands and handlers
 * on the host's client under names that cannot clash with the host's, and must leave nothing
 * registered when it rejects.
 */
export interface HostPlatform {
  /** Unique among a runtime's platforms, such as `discord` or `telegram`. */
  readonly name: string;
  attach(context: AttachContext): Promise<AttachedPlatform>;
}
