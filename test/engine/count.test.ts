import fc from 'fast-check';
import { instantRunoff, winnersFromTally, type CountedOption } from '../../src/engine/count';
import type { RevealRule } from '../../src/model/campaign';

const options = (n: number): CountedOption[] => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, seq: i }));
const earliest = (winners: number): RevealRule => ({ winners, tieBreak: 'earliest' });

describe('winners from a tally', () => {
  it('ranks by votes, then by the earliest option, and never lets an option with no vote win', () => {
    const r = winnersFromTally(options(4), { o0: 1, o1: 3, o2: 3 }, earliest(4), 's');
    expect(r.winners).toEqual([{ id: 'o1', votes: 3 }, { id: 'o2', votes: 3 }, { id: 'o0', votes: 1 }]);
    expect(r.tied).toEqual([]);
  });

  it('reports the tied options at the cut-off when curators break ties, and takes their pick', () => {
    const rule: RevealRule = { winners: 2, tieBreak: 'curators' };
    const tally = { o0: 5, o1: 2, o2: 2, o3: 2 };
    expect(winnersFromTally(options(4), tally, rule, 's')).toEqual({ winners: [{ id: 'o0', votes: 5 }], tied: ['o1', 'o2', 'o3'] });
    expect(winnersFromTally(options(4), tally, rule, 's', ['o0', 'o3'])).toEqual({
      winners: [{ id: 'o0', votes: 5 }, { id: 'o3', votes: 2 }], tied: [],
    });
  });

  it('agrees with a sort of the counts for any tally (property)', () => {
    fc.assert(fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (counts, winners) => {
      const opts = options(counts.length);
      const tally = Object.fromEntries(counts.map((c, i) => [`o${i}`, c]));
      const got = winnersFromTally(opts, tally, earliest(winners), 's').winners.map((w) => w.id);
      const expected = opts.filter((o) => tally[o.id]! > 0)
        .sort((a, b) => tally[b.id]! - tally[a.id]! || a.seq - b.seq).slice(0, winners).map((o) => o.id);
      expect(got).toEqual(expected);
    }));
  });
});

describe('instant-runoff', () => {
  const ballots = (list: string[][]) => list.map((choice, i) => ({ voterKey: `v${i}`, choice }));

  it('elects a majority winner in the first round', () => {
    const r = instantRunoff(options(3), ballots([['o0'], ['o0'], ['o1']]), earliest(1), 's');
    expect(r.winners).toEqual([{ id: 'o0', votes: 2 }]);
    expect(r.rounds).toHaveLength(1);
  });

  it('transfers the eliminated option’s ballots to the next preference', () => {
    const r = instantRunoff(options(3), ballots([['o0'], ['o0'], ['o1', 'o0'], ['o2', 'o1'], ['o2', 'o1'], ['o1']]), earliest(1), 's');
    // round 1: o0 2, o1 2, o2 2 → o2 (last in tie order) goes; round 2: o0 2, o1 4
    expect(r.winners).toEqual([{ id: 'o1', votes: 4 }]);
    expect(r.rounds).toEqual([{ o0: 2, o1: 2, o2: 2 }, { o0: 2, o1: 4 }]);
  });

  it('elects several winners by running again without those already elected', () => {
    const r = instantRunoff(options(3), ballots([['o0', 'o2'], ['o0', 'o2'], ['o1'], ['o2', 'o1']]), earliest(2), 's');
    expect(r.winners.map((w) => w.id)).toEqual(['o0', 'o2']);
  });

  it('elects the plurality winner when every ballot ranks one option (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 50 }), (firsts) => {
      const r = instantRunoff(options(5), ballots(firsts.map((i) => [`o${i}`])), earliest(1), 's');
      const counts = [0, 1, 2, 3, 4].map((i) => firsts.filter((f) => f === i).length);
      const max = Math.max(...counts);
      expect(counts[Number(r.winners[0]!.id.slice(1))]).toBe(max);
    }));
  });
});
