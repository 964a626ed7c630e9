/**
 * Verifiable results: the pseudonymous fan hash, the digest of a category's ballots and the
 * results manifest published at reveal. Pure functions of their inputs (no I/O).
 *
 * - A fan's hash in a category is HMAC-SHA256(campaign secret, `categoryId:voterKey`) in hex.
 *   Platform ids are guessable, so a plain hash would unmask voters; without the secret (kept
 *   in the store, never printed) nobody can map a hash back to a fan. The category is part of
 *   the message, so one fan's ballots cannot be linked across categories.
 * - A ballot whose voter was erased is stored under `anon:<hash>` (see `pseudonymousVoterKey`):
 *   its hash is that hash, so erasing a fan keeps every manifest verifiable.
 * - The ballots digest is SHA-256 over the canonical list: the JSON text (no whitespace) of the
 *   array `[[fanHash, [optionId, …]], …]` sorted by fanHash, each choice in its stored order.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RevealRule, VoteRule } from '../model/campaign';
import type { Ballot, Winner } from '../model/records';

/** The prefix of a voter key that was replaced by its pseudonym (erasure). */
export const ANON_PREFIX = 'anon:';

/** The `format` of every results manifest this version writes. */
export const MANIFEST_FORMAT = 'cocreate-results-manifest/1';

const HASH_HEX = /^[0-9a-f]{64}$/;

/**
 * The pseudonymous hash of a fan's ballot in a category: what the fan's receipt shows and
 * what the manifest lists. Stable for a (secret, category, voter); reveals nothing without the secret.
 */
export function fanHash(secret: string, categoryId: string, voterKey: string): string {
  if (voterKey.startsWith(ANON_PREFIX)) {
    const hash = voterKey.slice(ANON_PREFIX.length);
    if (HASH_HEX.test(hash)) return hash;
  }
  return createHmac('sha256', secret).update(`${categoryId}:${voterKey}`).digest('hex');
}

/**
 * The voter key that may replace `voterKey` on a stored ballot when the fan is erased: the
 * ballot keeps counting and keeps the same fan hash (so the manifest still verifies), but no
 * longer names the fan. Idempotent.
 */
export function pseudonymousVoterKey(secret: string, categoryId: string, voterKey: string): string {
  return `${ANON_PREFIX}${fanHash(secret, categoryId, voterKey)}`;
}

/** One ballot as the manifest lists it: the fan's hash and the option ids chosen. */
export type HashedBallot = readonly [fanHash: string, choice: readonly string[]];

/** The canonical list of a category's ballots: hashed, sorted by fan hash. */
export function hashedBallots(secret: string, categoryId: string, ballots: Iterable<Ballot>): HashedBallot[] {
  const list: HashedBallot[] = [];
  for (const b of ballots) list.push([fanHash(secret, categoryId, b.voterKey), [...b.choice]]);
  return sortHashed(list);
}

/** Sorts hashed ballots by fan hash, in place (the canonical order); returns the list. */
export function sortHashed(list: HashedBallot[]): HashedBallot[] {
  return list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** SHA-256 (hex) over the canonical list's JSON text; equal to `sha256(JSON.stringify(list))`. */
export function ballotsDigest(list: readonly HashedBallot[]): string {
  const hash = createHash('sha256');
  hash.update('[');
  list.forEach((entry, i) => hash.update((i === 0 ? '' : ',') + JSON.stringify([entry[0], entry[1]])));
  hash.update(']');
  return hash.digest('hex');
}

/** What a manifest says of one category. */
export interface ManifestCategory {
  readonly id: string;
  /** The counting rule: the vote method and its bounds, and the reveal rule. */
  readonly rule: { readonly vote: VoteRule; readonly reveal: RevealRule };
  /** The tie-break seed (used by `tieBreak: seeded`; recorded for every rule). */
  readonly seed: string;
  readonly ballots: number;
  /** Final count per option id (ranked: the last instant-runoff round). */
  readonly tally: Readonly<Record<string, number>>;
  readonly rounds?: readonly Readonly<Record<string, number>>[];
  readonly winners: readonly Pick<Winner, 'id' | 'votes'>[];
  /** SHA-256 over the canonical (fan hash, choice) list; see the module comment. */
  readonly ballotsDigest: string;
  /** The canonical list itself, when the manifest was written with its ballots. */
  readonly ballotList?: readonly HashedBallot[];
}

/** The results manifest of a campaign: one entry per revealed category. */
export interface ResultsManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly campaign: string;
  /** How fan hashes and digests are made, for whoever checks the manifest by hand. */
  readonly scheme: string;
  readonly categories: readonly ManifestCategory[];
}

export const MANIFEST_SCHEME =
  'fanHash = hex(HMAC-SHA256(campaign secret, categoryId + ":" + platform:userId)); '
  + 'ballotsDigest = hex(SHA-256(JSON text without spaces of [[fanHash, [optionId, ...]], ...] sorted by fanHash))';

/** A per-option count from raw ballots (single, approval: each choice counts one). */
export function tallyOf(ballots: Iterable<{ readonly choice: readonly string[] }>): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const b of ballots) for (const id of b.choice) tally[id] = (tally[id] ?? 0) + 1;
  return tally;
}

/** True when two per-option counts agree (an absent option counts zero). */
export function sameTally(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}
