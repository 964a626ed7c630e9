/**
 * Counting: winners from an incremental tally (single, approval), instant-runoff from raw
 * ballots (ranked), and the declared tie-breaks. Pure functions of their inputs.
 */
import { createHash } from 'node:crypto';
import type { RevealRule } from '../model/campaign';
import type { Ballot } from '../model/records';

/** What counting needs to know of an option. */
export interface CountedOption {
  readonly id: string;
  /** Creation order; `earliest` ranks the lower first. */
  readonly seq: number;
}

/**
 * The order in which tied options are ranked: earliest proposal first, or a deterministic
 * shuffle by `seed` (the same seed always gives the same order, so a reveal can be replayed).
 * `curators` ranks provisionally as `earliest` and lets the caller ask curators (see `winnersFromTally`).
 */
export function tieOrder(options: readonly CountedOption[], rule: RevealRule, seed: string): CountedOption[] {
  if (rule.tieBreak !== 'seeded') return [...options].sort((a, b) => a.seq - b.seq);
  const key = (o: CountedOption) => createHash('sha256').update(`${seed}/${o.id}`).digest('hex');
  return options.map((o) => ({ o, k: key(o) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.o);
}

export interface Ranking {
  /** Winners in order, with their counts. */
  readonly winners: readonly { id: string; votes: number }[];
  /**
   * With `tieBreak: curators`: the options tied at the cut-off, among which curators must
   * still pick `winners.length - decided` winners. Empty when nothing is left to decide.
   */
  readonly tied: readonly string[];
}

/**
 * Picks the winners from per-option counts: most votes first, ties by the declared rule.
 * Options with no vote never win. `picked` are curator decisions already taken (they rank
 * first among their tied group).
 */
export function winnersFromTally(
  options: readonly CountedOption[],
  tally: Readonly<Record<string, number>>,
  rule: RevealRule,
  seed: string,
  picked: readonly string[] = [],
): Ranking {
  const order = tieOrder(options, rule, seed);
  const position = new Map(order.map((o, i) => [o.id, i]));
  const pickRank = new Map(picked.map((id, i) => [id, i]));
  const votesOf = (id: string) => tally[id] ?? 0;
  const ranked = order
    .filter((o) => votesOf(o.id) > 0)
    .sort((a, b) => votesOf(b.id) - votesOf(a.id)
      || (pickRank.get(a.id) ?? Infinity) - (pickRank.get(b.id) ?? Infinity)
      || (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));

  const take = Math.min(rule.winners, ranked.length);
  const cut = ranked[take - 1];
  if (rule.tieBreak === 'curators' && cut !== undefined && take < ranked.length) {
    const cutVotes = votesOf(cut.id);
    const group = ranked.filter((o) => votesOf(o.id) === cutVotes);
    const groupStart = ranked.findIndex((o) => votesOf(o.id) === cutVotes);
    const undecided = group.filter((o) => !pickRank.has(o.id));
    const needed = take - groupStart - group.filter((o) => pickRank.has(o.id)).length;
    if (group.length > take - groupStart && needed > 0 && undecided.length > needed) {
      const decided = ranked.slice(0, groupStart).concat(group.filter((o) => pickRank.has(o.id)));
      return { winners: decided.map((o) => ({ id: o.id, votes: votesOf(o.id) })), tied: undecided.map((o) => o.id) };
    }
  }
  return { winners: ranked.slice(0, take).map((o) => ({ id: o.id, votes: votesOf(o.id) })), tied: [] };
}

/** Adds one ballot to a per-option count (single, approval). */
export function addToTally(tally: Record<string, number>, choice: readonly string[], delta: 1 | -1): void {
  for (const id of choice) tally[id] = (tally[id] ?? 0) + delta;
}

export interface RunoffResult {
  readonly winners: readonly { id: string; votes: number }[];
  /** Counts of each round of the first winner's runoff. */
  readonly rounds: readonly Record<string, number>[];
  /** The count of the final round of the first winner's runoff. */
  readonly tally: Record<string, number>;
}

/**
 * Instant-runoff voting from raw ranked ballots. Each round counts every ballot for its
 * highest-ranked option still running; an option with a majority of the ballots still
 * counting wins, else the option with the fewest votes is eliminated (ties: the last in tie
 * order goes). For several winners, the runoff is run again without the options already won.
 */
export function instantRunoff(options: readonly CountedOption[], ballots: Iterable<Ballot>, rule: RevealRule, seed: string): RunoffResult {
  const order = tieOrder(options, rule, seed);
  const all = [...ballots].map((b) => b.choice);
  const winners: { id: string; votes: number }[] = [];
  let firstRounds: Record<string, number>[] = [];
  let firstTally: Record<string, number> = {};
  const won = new Set<string>();
  while (winners.length < rule.winners) {
    const { winner, rounds } = runoffOnce(order.filter((o) => !won.has(o.id)), all);
    if (winner === undefined) break;
    if (winners.length === 0) {
      firstRounds = rounds;
      firstTally = rounds[rounds.length - 1] ?? {};
    }
    winners.push(winner);
    won.add(winner.id);
  }
  return { winners, rounds: firstRounds, tally: firstTally };
}

function runoffOnce(order: readonly CountedOption[], ballots: readonly (readonly string[])[]) {
  const running = new Set(order.map((o) => o.id));
  const rounds: Record<string, number>[] = [];
  while (running.size > 0) {
    const counts: Record<string, number> = {};
    for (const id of running) counts[id] = 0;
    let active = 0;
    for (const choice of ballots) {
      const top = choice.find((id) => running.has(id));
      if (top === undefined) continue;
      counts[top] = (counts[top] ?? 0) + 1;
      active++;
    }
    rounds.push(counts);
    if (active === 0) return { winner: undefined, rounds };
    const inOrder = order.filter((o) => running.has(o.id));
    const best = inOrder.reduce((a, b) => ((counts[b.id] ?? 0) > (counts[a.id] ?? 0) ? b : a));
    const bestVotes = counts[best.id] ?? 0;
    if (bestVotes * 2 > active || running.size === 1) return { winner: { id: best.id, votes: bestVotes }, rounds };
    const worst = inOrder.reduceRight((a, b) => ((counts[b.id] ?? 0) < (counts[a.id] ?? 0) ? b : a));
    running.delete(worst.id);
  }
  return { winner: undefined, rounds };
}
