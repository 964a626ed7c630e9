/**
 * The one way announcements leave for a chat platform: the outbox calls `deliver(event,
 * target)`; the platform turns the announcement into steps (its messages, the results
 * picture); this routine sends them in order, remembers how far it got so that a retry sends
 * only the rest, and sorts every failure the same way: a rate limit goes back to the outbox
 * as `RateLimitedError` (it waits and retries), a channel out of reach for good is logged once
 * and skipped, a message the platform refuses (4xx) is dropped with a log line, anything else
 * is thrown for the outbox to retry.
 */
import type { CampaignEvent } from '../model/events';
import type { CampaignSpec, Locale, Platform } from '../model/campaign';
import { RateLimitedError, type Deliver, type DeliveryTarget } from '../ports/outbox';
import { chartForEvent } from '../render/chart';
import type { CampaignDirectory } from './directory';

/** How a platform sees a failed step. */
export type DeliveryFailure =
  /** Too many requests: the outbox waits this long, then sends what is left. */
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number }
  /** The channel is out of reach for good (no permission there, unknown channel): logged once, its announcements dropped until restart. */
  | { readonly kind: 'unreachable'; readonly why: string }
  /** The platform refused this message for good (a 4xx): dropped with a log line, not retried. */
  | { readonly kind: 'refused'; readonly why: string }
  /** Anything else: thrown, so that the outbox retries. */
  | { readonly kind: 'retry' };

/** One announcement about to be sent to one target. */
export interface Announcement {
  readonly event: CampaignEvent;
  readonly target: DeliveryTarget;
  readonly campaign: CampaignSpec;
  /** The campaign's index among the loaded ones (what component ids carry). */
  readonly index: number;
  readonly locale: Locale;
  /** The results picture of a results announcement; null otherwise or when it could not be drawn. */
  readonly picture: ReturnType<typeof chartForEvent>;
}

/** One request of an announcement; steps are sent in order, each once. */
export type DeliveryStep = () => Promise<void>;

export interface AnnouncerOptions {
  readonly platform: Platform;
  readonly directory: CampaignDirectory;
  /** The steps of one announcement on this platform. */
  readonly steps: (announcement: Announcement) => readonly DeliveryStep[];
  readonly classify: (error: unknown) => DeliveryFailure;
  /** One line to the operator's log. */
  readonly log: (line: string) => void;
  /** Draws the results picture (a test may replace it). */
  readonly draw?: typeof chartForEvent;
}

export class Announcer {
  /** Steps of an announcement already sent to a target, so that a retry sends only the rest. */
  private readonly progress = new Map<string, number>();
  /** Channels out of reach, per campaign. */
  private readonly unreachable = new Map<string, Set<string>>();

  constructor(private readonly options: AnnouncerOptions) {}

  /** The outbox's delivery function for this platform. Events of campaigns not loaded here are ignored. */
  readonly deliver: Deliver = async (event: CampaignEvent, target: DeliveryTarget): Promise<void> => {
    const { directory } = this.options;
    const index = directory.indexOf(event.campaignId);
    const campaign = index === null ? undefined : directory.at(index);
    if (index === null || campaign === undefined) return;
    if (this.unreachable.get(campaign.id)?.has(target.channel)) return;
    const locale = directory.campaignLocale(campaign);
    const announcement: Announcement = { event, target, campaign, index, locale, picture: this.picture(event, campaign, locale) };
    const steps = this.options.steps(announcement);
    const key = `${event.id}|${target.channel}`;
    for (let i = this.progress.get(key) ?? 0; i < steps.length; i++) {
      try {
        await steps[i]!();
      } catch (error) {
        const failure = this.options.classify(error);
        switch (failure.kind) {
          case 'rate-limited':
            this.progress.set(key, i);
            throw new RateLimitedError(failure.retryAfterMs);
          case 'unreachable':
            this.progress.delete(key);
            this.markUnreachable(campaign, target, failure.why);
            return;
          case 'refused':
            this.progress.delete(key);
            this.log(`${this.options.platform}: cannot post ${event.id} to ${target.channel}: ${failure.why} (not retried)`);
            return;
          case 'retry':
            this.progress.set(key, i);
            throw error;
        }
      }
      this.progress.set(key, i + 1);
    }
    this.progress.delete(key);
  };

  /** Where a campaign's announcements go on this platform. */
  readonly targets = (campaignId: string): readonly DeliveryTarget[] => this.options.directory.targets(this.options.platform, campaignId);

  /** The targets of a campaign found out of reach (shown to its managers). */
  unreachableTargets(campaignId: string): readonly string[] {
    return [...(this.unreachable.get(campaignId) ?? [])];
  }

  private markUnreachable(campaign: CampaignSpec, target: DeliveryTarget, why: string): void {
    let channels = this.unreachable.get(campaign.id);
    if (!channels) this.unreachable.set(campaign.id, (channels = new Set()));
    if (channels.has(target.channel)) return;
    channels.add(target.channel);
    this.log(`${this.options.platform}: cannot post in channel ${target.channel} of campaign ${campaign.id}: ${why}; its announcements are dropped until that is fixed`);
  }

  private picture(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): ReturnType<typeof chartForEvent> {
    try {
      return (this.options.draw ?? chartForEvent)(event, campaign, locale);
    } catch (error) {
      this.log(`${this.options.platform}: could not draw the results picture of ${event.id}: ${describeError(error)}; the results go out as text`);
      return null;
    }
  }

  private log(line: string): void {
    try {
      this.options.log(line);
    } catch {
      // a broken log must not break a delivery
    }
  }
}

/** An error as one log line: its name and message, whitespace folded, bounded. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
