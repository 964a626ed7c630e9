/**
 * The ballot policy every platform follows: how many options a vote method takes, when a
 * press is a whole ballot and when it only picks, how a ranking grows, and how a choice made
 * so far reads. The engine checks the ballot itself; these rules only shape the components.
 */
import type { VoteRule } from '../model/campaign';
import { ExpiringMap } from './expiring-map';

/** Discord's and Telegram's ceiling on one ranking (and the most options one menu shows). */
export const MAX_RANKS = 25;

/** Whether one press on an option is a whole ballot (single choice), or picks it for a ballot sent later. */
export function pressCasts(rule: VoteRule): boolean {
  return rule.method === 'single';
}

/** The most options one ballot takes: 1, the approval's `maxChoices`, or the ranked ballot's `maxRanks` (else every option). */
export function choicesAllowed(rule: VoteRule, options: number): number {
  switch (rule.method) {
    case 'single': return Math.min(1, options);
    case 'approval': return Math.min(rule.maxChoices, options);
    case 'ranked': return Math.min(rule.maxRanks ?? options, options);
  }
}

/** The choice a select menu's values make: all of them for approval, the first one otherwise. */
export function choiceFromValues(rule: VoteRule, values: readonly string[]): readonly string[] {
  return rule.method === 'approval' ? values : values.slice(0, 1);
}

/** A ranking after more picks: the new ones after those already ranked, each once, at most MAX_RANKS. */
export function extendRanking(ranked: readonly string[], picked: readonly string[]): string[] {
  return [...ranked, ...picked.filter((id) => !ranked.includes(id))].slice(0, MAX_RANKS);
}

/** Whether a ranking is complete: `maxRanks` reached. */
export function rankingFull(rule: VoteRule, ranked: readonly string[]): boolean {
  return rule.method === 'ranked' && rule.maxRanks !== undefined && ranked.length >= rule.maxRanks;
}

/** How a choice reads while it is being made: `#a, #b`, or `1. #a, 2. #b` for a ranking. */
export function choiceLabel(rule: VoteRule, ids: readonly string[]): string {
  return ids.map((id, i) => (rule.method === 'ranked' ? `${i + 1}. #${id}` : `#${id}`)).join(', ');
}

/**
 * The options each fan has picked so far on approval and ranked ballots, on platforms where a
 * ballot is built press by press: pressing an option again takes it back. Forgotten after
 * `ttlMs` without a press.
 */
export class BallotPicks {
  private readonly picks: ExpiringMap<string, readonly string[]>;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.picks = new ExpiringMap(ttlMs, now);
  }

  /** The options `fan` picked so far on the ballot of `category` of `campaign` (indexes). */
  picked(campaign: number, category: number, fan: string): readonly string[] {
    return this.picks.get(key(campaign, category, fan)) ?? [];
  }

  /** Picks `proposalId`, or takes it back when it was picked; the choice so far. */
  toggle(campaign: number, category: number, fan: string, proposalId: string): readonly string[] {
    const before = this.picked(campaign, category, fan);
    const ids = before.includes(proposalId) ? before.filter((id) => id !== proposalId) : [...before, proposalId];
    this.picks.set(key(campaign, category, fan), ids);
    return ids;
  }

  forget(campaign: number, category: number, fan: string): void {
    this.picks.delete(key(campaign, category, fan));
  }

  /** How many fans are picking (forgotten ones included until pruned). */
  get size(): number {
    return this.picks.size;
  }

  /** Forgets the choices nobody touched for `ttlMs`. */
  prune(): void {
    this.picks.prune();
  }
}

function key(campaign: number, category: number, fan: string): string {
  return `${campaign}:${category}:${fan}`;
}
