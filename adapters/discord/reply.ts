/**
 * The first answer to an interaction, deferred only when it is late. Discord wants an answer
 * within 3 s of the interaction; the engine answers in milliseconds, so the bot replies at
 * once with the engine's (durable) result, and shows "thinking…" (a deferral, later edited)
 * only when that result has not come after `deferAfterMs`. Under a surge this halves the
 * requests per interaction: one callback instead of a deferral and an edit.
 */
import { MessageFlags, type InteractionReplyOptions, type InteractionUpdateOptions, type MessageComponentInteraction, type RepliableInteraction } from 'discord.js';

/** `reply`: a new ephemeral message; `update`: the message whose component was used. */
export type ReplyMode = 'reply' | 'update';

/** What the first answer carries (the fields both a reply and an edit accept). */
export type FirstAnswer = Pick<InteractionReplyOptions, 'content' | 'components' | 'allowedMentions' | 'files'>;

/** How long the engine may take before the interaction is deferred, by default (ms). */
export const DEFER_AFTER_MS = 1_500;

/** The last moment, after the interaction's creation, when a deferral still reaches Discord in time (ms). */
export const DEFER_BY_MS = 2_500;

/**
 * The least time left to the engine before a deferral: a busy process, whose interactions
 * arrive late, would otherwise defer every one at once and double its requests just when it
 * has the least time for them; the engine answers in milliseconds, the reply itself is better.
 */
export const MIN_DEFER_DELAY_MS = 250;

/** The interaction is too old to be answered (see TOO_LATE_MS): nothing was sent. */
export class InteractionExpired extends Error {
  constructor() {
    super('the interaction is too old to be answered');
  }
}

export class LazyReply {
  private deferral: Promise<unknown> | undefined;
  private readonly expiresAt: number;
  private timer: NodeJS.Timeout | undefined;
  private sent = false;

  /**
   * Starts the clock: an interaction still without an answer `deferAfterMs` from now is
   * deferred, or sooner if that would come after DEFER_BY_MS from its creation at Discord
   * (`createdAt`, on this machine's clock), but never sooner than MIN_DEFER_DELAY_MS from now:
   * an interaction that arrives with less time left is answered when the engine's answer is
   * ready, or not at all past TOO_LATE_MS. `onLateError` hears a deferral that failed while
   * nobody waited for it yet.
   */
  constructor(
    private readonly interaction: RepliableInteraction,
    private readonly mode: ReplyMode,
    deferAfterMs: number,
    private readonly onLateError: (error: unknown) => void,
    createdAt: number = Date.now(),
  ) {
    const delay = Math.min(deferAfterMs, createdAt + DEFER_BY_MS - Date.now());
    this.expiresAt = createdAt + TOO_LATE_MS;
    if (delay < Math.min(MIN_DEFER_DELAY_MS, deferAfterMs)) return;
    this.timer = setTimeout(() => {
      // Too late to defer: send() says so, once, to the adapter.
      this.defer().catch((error: unknown) => { if (!(error instanceof InteractionExpired)) onLateError(error); });
    }, delay);
  }

  /** Whether the first answer (a reply or the deferral's edit) went out. */
  get answered(): boolean {
    return this.sent;
  }

  /** Whether the interaction was deferred ("thinking…"). */
  get deferred(): boolean {
    return this.deferral !== undefined;
  }

  /** Defers now (idempotent); resolves once Discord took the deferral. */
  defer(): Promise<unknown> {
    this.stopClock();
    if (this.deferral) return this.deferral;
    if (this.sent) return Promise.resolve();
    if (Date.now() > this.expiresAt) return Promise.reject(new InteractionExpired());
    const ephemeral = { flags: MessageFlags.Ephemeral } as const;
    this.deferral = this.mode === 'update' ? (this.interaction as MessageComponentInteraction).deferUpdate() : this.interaction.deferReply(ephemeral);
    return this.deferral;
  }

  /**
   * The first answer: the reply itself when it comes in time, else the edit of the deferred
   * reply (after the deferral went through). Ephemeral in `reply` mode. Rejects with
   * InteractionExpired, sending nothing, when the interaction was neither answered nor
   * deferred in time (Discord would refuse it).
   */
  async send(answer: FirstAnswer): Promise<void> {
    this.stopClock();
    if (!this.deferral && Date.now() > this.expiresAt) {
      this.sent = true;
      throw new InteractionExpired();
    }
    if (this.deferral) {
      await this.deferral;
      this.sent = true;
      await this.interaction.editReply(answer);
      return;
    }
    this.sent = true;
    if (this.mode === 'update') await (this.interaction as MessageComponentInteraction).update(answer as InteractionUpdateOptions);
    else await this.interaction.reply({ ...answer, flags: MessageFlags.Ephemeral });
  }

  private stopClock(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * How late interactions reach the bot, beyond the quickest delivery seen lately. An
 * interaction's id tells when Discord created it; measured from the quickest recent delivery,
 * a skew between this machine's clock and Discord's does not count. When a window passes,
 * the quickest is measured again (a busy moment then only makes lateness look smaller).
 */
export class InteractionLateness {
  private quickest = Number.POSITIVE_INFINITY;
  private since = 0;

  constructor(private readonly windowMs = 60_000) {}

  /** The lateness (ms) of an interaction created at `createdAt`, received `now`. */
  of(createdAt: number, now = Date.now()): number {
    const age = now - createdAt;
    if (age < this.quickest || now - this.since > this.windowMs) {
      this.quickest = age;
      this.since = now;
    }
    return age - this.quickest;
  }
}

/**
 * Past this lateness an interaction cannot be answered in time (Discord forgets it 3 s after
 * creating it): the bot skips it rather than spend a busy moment on an answer Discord refuses,
 * and the member's client shows that it failed, so they press again.
 */
export const TOO_LATE_MS = 2_800;
