/**
 * Outbox: announcements leave the engine here and reach every channel of the campaign,
 * each at most once per channel (the event id is the idempotency key), with retries.
 * Adapters register a delivery function per platform; they never see how events are kept.
 */
import type { CampaignEvent } from '../model/events';
import type { Platform } from '../model/campaign';

/** One place an event goes to: a Discord channel, a Telegram chat, the local terminal. */
export interface DeliveryTarget {
  readonly platform: Platform;
  /** `guild/channel` on Discord, the chat id on Telegram, `terminal` for the local chat. */
  readonly channel: string;
}

/** Sends one event to one target; rejects to ask for a retry. */
export type Deliver = (event: CampaignEvent, target: DeliveryTarget) => Promise<void>;

export interface Outbox {
  /**
   * Records events for delivery; resolves once they are durable. An event whose id was
   * already recorded is ignored, so enqueueing twice delivers once.
   */
  enqueue(events: readonly CampaignEvent[]): Promise<void>;
  /**
   * Registers how a platform delivers and which of its targets receive a campaign's events.
   * Events recorded before a platform registers are delivered to it when it does.
   */
  register(platform: Platform, deliver: Deliver, targets: (campaignId: string) => readonly DeliveryTarget[]): void;
  /** Resolves when every delivery due so far has succeeded or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Thrown by a delivery function when the platform answered "too many requests": the outbox
 * waits `retryAfterMs` and tries again, without counting it as a failed attempt.
 */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number, message = `rate limited, retry after ${retryAfterMs} ms`) {
    super(message);
    this.name = 'RateLimitedError';
  }
}
