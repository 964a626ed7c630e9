/** The ballot policy every platform follows. */
import { BallotPicks, choiceFromValues, choiceLabel, choicesAllowed, extendRanking, pressCasts, rankingFull } from '../../src/chat/ballot';
import type { VoteRule } from '../../src/model/campaign';

const single: VoteRule = { method: 'single', allowChange: true };
const approval: VoteRule = { method: 'approval', maxChoices: 2, allowChange: false };
const ranked: VoteRule = { method: 'ranked', allowChange: false, maxRanks: 3 };

describe('the ballot policy', () => {
  it('casts a single-choice ballot on one press, and builds the others press by press', () => {
    expect([single, approval, ranked].map(pressCasts)).toEqual([true, false, false]);
  });

  it('takes one choice, the approval’s maximum, or the ranking’s, never more than the options', () => {
    expect([single, approval, ranked].map((rule) => choicesAllowed(rule, 5))).toEqual([1, 2, 3]);
    expect(choicesAllowed(approval, 1)).toBe(1);
    expect(choicesAllowed({ method: 'ranked', allowChange: false }, 7)).toBe(7);
    expect(choiceFromValues(approval, ['a', 'b'])).toEqual(['a', 'b']);
    expect(choiceFromValues(single, ['a', 'b'])).toEqual(['a']);
  });

  it('grows a ranking with new picks only, up to 25, and says when it is full', () => {
    expect(extendRanking(['a', 'b'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(extendRanking([], Array.from({ length: 30 }, (_, i) => `p${i}`))).toHaveLength(25);
    expect(rankingFull(ranked, ['a', 'b', 'c'])).toBe(true);
    expect(rankingFull(ranked, ['a'])).toBe(false);
    expect(choiceLabel(ranked, ['a', 'b'])).toBe('1. #a, 2. #b');
    expect(choiceLabel(approval, ['a', 'b'])).toBe('#a, #b');
  });

  it('keeps each fan’s picks per ballot, takes a pick back on a second press, and forgets them after a while', () => {
    let now = 0;
    const picks = new BallotPicks(1_000, () => now);
    expect(picks.toggle(0, 1, 'fan', 'a')).toEqual(['a']);
    expect(picks.toggle(0, 1, 'fan', 'b')).toEqual(['a', 'b']);
    expect(picks.toggle(0, 1, 'fan', 'a')).toEqual(['b']);
    expect(picks.picked(0, 2, 'fan')).toEqual([]);
    expect(picks.picked(0, 1, 'other')).toEqual([]);
    now = 2_000;
    expect(picks.picked(0, 1, 'fan')).toEqual([]);
    picks.toggle(0, 1, 'fan', 'c');
    picks.forget(0, 1, 'fan');
    expect(picks.picked(0, 1, 'fan')).toEqual([]);
  });
});
