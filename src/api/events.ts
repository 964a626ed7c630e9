/** The events a runtime emits for its host, and a small typed emitter. */
import type { Platform } from '../model/campaign';
import type { Standing } from '../model/events';
import type { Winner } from '../model/records';

/** A fan's idea, accepted (and durable in the store) through this runtime's `execute`. */
export interface ProposalEvent {
  readonly campaignId: string;
  readonly categoryId: string;
  readonly proposalId: string;
  /** The idea as stored: cleaned of control and bidirectional characters, bounded. Render it as untrusted text. */
  readonly text: string;
  /** The fan: `platform:userId`. */
  readonly fan: string;
  /** The fan's display name when proposing (untrusted text too). */
  readonly author: string;
  readonly platform: Platform;
  /** UTC epoch ms. */
  readonly at: number;
}

/**
 * A fan's ballot, accepted (and durable) through this runtime's `execute`. The choice is not
 * told: hosts would otherwise hold the live tally that cocreate keeps hidden until the reveal.
 */
export interface BallotEvent {
  readonly campaignId: string;
  readonly categoryId: string;
  /** The fan: `platform:userId`. */
  readonly fan: string;
  /** True when the ballot replaced the fan's earlier one (`vote.allowChange`). */
  readonly changed: boolean;
  /** UTC epoch ms. */
  readonly at: number;
}

/** A category's results, published (the same results every channel announces). */
export interface RevealEvent {
  readonly campaignId: string;
  readonly categoryId: string;
  /** Ballots counted (one per fan). */
  readonly ballots: number;
  /** The winners, first first, with their votes and their authors' display names. */
  readonly winners: readonly Winner[];
  /** Every candidate with its final count, most votes first. */
  readonly standings: readonly Standing[];
  /** UTC epoch ms of the reveal. */
  readonly at: number;
}

/** Something failed that no caller could be told about: a delivery, a scheduled phase, a listener. */
export interface ErrorEvent {
  readonly error: unknown;
  /** What was being done, in a few words. */
  readonly context: string;
}

/** The host's events, by name. */
export interface CocreateEvents {
  proposal: ProposalEvent;
  ballot: BallotEvent;
  reveal: RevealEvent;
  error: ErrorEvent;
}

/** A listener; a promise it returns is awaited only to report its rejection (as an `error` event). */
export type Listener<E> = (event: E) => void | Promise<void>;

/**
 * Listeners by event name. A listener that throws or rejects never reaches the code that
 * emitted (a fan's answer, a delivery): it is reported as an `error` event, or to `fallback`
 * when nobody listens to errors (or the `error` listener itself fails).
 */
export class HostEvents {
  private readonly listeners = new Map<keyof CocreateEvents, Listener<never>[]>();

  constructor(private readonly fallback: (error: unknown, context: string) => void) {}

  on<K extends keyof CocreateEvents>(name: K, listener: Listener<CocreateEvents[K]>): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener as Listener<never>]);
  }

  off<K extends keyof CocreateEvents>(name: K, listener: Listener<CocreateEvents[K]>): void {
    this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== listener));
  }

  /** Whether anyone listens to `name`. */
  has(name: keyof CocreateEvents): boolean {
    return (this.listeners.get(name)?.length ?? 0) > 0;
  }

  /** Calls every listener of `name` with `event`; never throws. */
  emit<K extends keyof CocreateEvents>(name: K, event: CocreateEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      const failed = (error: unknown) => {
        if (name === 'error') this.fallback(error, `an error listener failed on: ${(event as ErrorEvent).context}`);
        else this.error(error, `a ${name} listener failed`);
      };
      try {
        const result = (listener as Listener<CocreateEvents[K]>)(event);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    }
  }

  /** Reports a failure: to the `error` listeners, else to the fallback. */
  error(error: unknown, context: string): void {
    if (this.has('error')) this.emit('error', { error, context });
    else this.fallback(error, context);
  }
}
