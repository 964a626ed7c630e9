/**
 * What the engine announces. Events are data, never text: each adapter renders them in the
 * campaign's locale with its platform's escaping (src/i18n, src/render). `id` is the
 * idempotency key: an outbox delivers an event at most once per channel.
 */
import type { Phase, TimedPhase } from './campaign';
import type { Winner } from './records';

export interface ListedProposal {
  readonly id: string;
  readonly text: string;
  readonly author?: string;
}

interface EventBase {
  readonly id: string;
  readonly campaignId: string;
  readonly categoryId: string;
  /** UTC epoch ms when the engine produced it. */
  readonly at: number;
}

export type CampaignEvent =
  | (EventBase & { readonly kind: 'phase.opened'; readonly phase: TimedPhase; readonly endsAt: number })
  | (EventBase & { readonly kind: 'shortlist.published'; readonly items: readonly ListedProposal[]; readonly endsAt: number })
  | (EventBase & { readonly kind: 'reminder'; readonly phase: TimedPhase; readonly endsAt: number })
  | (EventBase & { readonly kind: 'phase.paused'; readonly phase: Phase })
  | (EventBase & { readonly kind: 'phase.resumed'; readonly phase: Phase; readonly endsAt: number })
  | (EventBase & { readonly kind: 'phase.extended'; readonly phase: Phase; readonly endsAt: number })
  | (EventBase & { readonly kind: 'proposal.review'; readonly proposal: ListedProposal; readonly likes: number })
  | (EventBase & { readonly kind: 'reveal.tie'; readonly tied: readonly ListedProposal[] })
  | (EventBase & {
      readonly kind: 'results'; readonly winners: readonly Winner[]; readonly ballots: number;
      /** Every candidate with its final count, most votes first (the results picture); absent in older events. */
      readonly standings?: readonly Standing[];
      /** The digest over the hashed ballots (events of an earlier version; now `results.sealed`). */
      readonly ballotsDigest?: string;
    })
  /**
   * Published right after the results, once the revealed ballots are hashed (off the reveal's
   * critical path): the digest a results manifest must match.
   */
  | (EventBase & { readonly kind: 'results.sealed'; readonly ballotsDigest: string; readonly ballots: number });

/** One candidate of a revealed category: its final count, and whether it won. */
export interface Standing {
  readonly id: string;
  readonly text: string;
  readonly author?: string;
  readonly votes: number;
  readonly winner: boolean;
}

export type CampaignEventKind = CampaignEvent['kind'];
