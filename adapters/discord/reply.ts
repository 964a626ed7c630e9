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

export class LazyReply {
  private deferral: Promise<unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sent = false;

  /**
   * Starts the clock: `deferAfterMs` after the interaction was created at Discord (its id tells
   * when; never later than `deferAfterMs` from now, whatever the clocks say), an interaction
   * still without an answer is deferred. An interaction that waited in a busy process is thus
   * deferred sooner. `onLateError` hears a deferral that failed while nobody waited for it yet.
   */
  constructor(
    private readonly interaction: RepliableInteraction,
    private readonly mode: ReplyMode,
    deferAfterMs: number,
    private readonly onLateError: (error: unknown) => void,
    createdAt: number = Date.now(),
  ) {
    const delay = Math.max(0, Math.min(deferAfterMs, createdAt + deferAfterMs - Date.now()));
    this.timer = setTimeout(() => { this.defer().catch(onLateError); }, delay);
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
    const ephemeral = { flags: MessageFlags.Ephemeral } as const;
    this.deferral = this.mode === 'update' ? (this.interaction as MessageComponentInteraction).deferUpdate() : this.interaction.deferReply(ephemeral);
    return this.deferral;
  }

  /**
   * The first answer: the reply itself when it comes in time, else the edit of the deferred
   * reply (after the deferral went through). Ephemeral in `reply` mode.
   */
  async send(answer: FirstAnswer): Promise<void> {
    this.stopClock();
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
