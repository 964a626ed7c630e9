/**
 * The pure parts of the Discord adapter, checked against Discord's limits with the same
 * validators the fake Discord applies: custom ids, ballots, list buttons, modals, commands.
 */
import fc from 'fast-check';
import { ballotComponents, editModal, ownProposalRows, proposeModal, rankRows, reviewRows, truncate } from '../../../adapters/discord/components';
import { commandDefinitions } from '../../../adapters/discord/definitions';
import { decodeCustomId, encodeCustomId, type CustomId } from '../../../adapters/discord/ids';
import type { ListedProposal } from '../../../src/model/events';
import type { VoteRule } from '../../../src/model/campaign';
import { validateCommands, validateComponents, validateModal } from './fake-discord';
import { campaign } from '../../render/campaign.fixture';

const place = { campaign: 0, category: 1 };
const items = (n: number, text = 'une idée'): ListedProposal[] =>
  Array.from({ length: n }, (_, i) => ({ id: (i + 1).toString(36), text: `${text} ${i}`, author: `fan${i}` }));
const single: VoteRule = { method: 'single', allowChange: true };

describe('custom ids', () => {
  const samples: CustomId[] = [
    { kind: 'vote', campaign: 0, category: 3, proposalId: 'a1' },
    { kind: 'select', campaign: 2, category: 0, page: 4 },
    { kind: 'rank', campaign: 0, category: 1, ranked: [] },
    { kind: 'rank', campaign: 0, category: 1, ranked: ['a', 'b', 'c'] },
    { kind: 'rank-done', campaign: 0, category: 1, ranked: ['zz'] },
    { kind: 'propose', campaign: 1 },
    { kind: 'propose', campaign: 1, category: 6 },
    { kind: 'edit', campaign: 0, proposalId: 'k' },
    { kind: 'edit-modal', campaign: 0, proposalId: 'k' },
    { kind: 'withdraw', campaign: 0, proposalId: 'k' },
    { kind: 'shortlist-add', campaign: 0, proposalId: 'k' },
    { kind: 'shortlist-remove', campaign: 0, proposalId: 'k' },
  ];

  it.each(samples)('round-trips %o within 100 characters', (id) => {
    const text = encodeCustomId(id);
    expect(text.length).toBeLessThanOrEqual(100);
    expect(decodeCustomId(text)).toEqual(id);
  });

  it('reads a malformed or foreign id as nothing, never throws', () => {
    for (const text of ['', 'v', 'v:0', 'v:0:1', 'v:0:1:a:b', 'v:-1:0:a', 'v:01:0:a', 'x:0:0:a', 'v:0:0:a b', 's:0:1', 'r:0:1:a,,b', `v:0:0:${'a'.repeat(40)}`, 'a'.repeat(101)]) {
      expect(decodeCustomId(text)).toBeNull();
    }
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (text) => {
      const id = decodeCustomId(text);
      if (id !== null) expect(decodeCustomId(encodeCustomId(id))).toEqual(id);
    }));
  });
});

describe('ballots', () => {
  it('puts up to 25 single-choice options on buttons, five per row', () => {
    for (const n of [1, 5, 6, 24, 25]) {
      const { rows, dropped } = ballotComponents(place, single, items(n), 'fr');
      validateComponents(rows);
      expect(dropped).toBe(0);
      expect(rows).toHaveLength(Math.ceil(n / 5));
      expect(rows.flatMap((r) => r.components).map((c) => ('custom_id' in c ? c.custom_id : ''))).toEqual(items(n).map((i) => `v:0:1:${i.id}`));
    }
  });

  it('switches to select menus of 25 beyond 25 options, and says how many did not fit', () => {
    const { rows, dropped } = ballotComponents(place, single, items(130), 'en');
    validateComponents(rows);
    expect(rows).toHaveLength(5);
    expect(dropped).toBe(5);
    expect(rows[0]?.components[0]).toMatchObject({ type: 3, custom_id: 's:0:1:0', max_values: 1 });
  });

  it('asks approval ballots in one multi-select bounded by maxChoices', () => {
    const { rows } = ballotComponents(place, { method: 'approval', maxChoices: 3, allowChange: false }, items(7), 'fr');
    validateComponents(rows);
    expect(rows[0]?.components[0]).toMatchObject({ type: 3, min_values: 1, max_values: 3, placeholder: 'Choisis-en jusqu’à 3' });
  });

  it('ranks one choice at a time, carrying the ranks so far in the id', () => {
    const all = items(4);
    const first = ballotComponents(place, { method: 'ranked', allowChange: false }, all, 'fr').rows;
    validateComponents(first);
    expect(first[0]?.components[0]).toMatchObject({ custom_id: 'r:0:1:' });
    const next = rankRows(place, all, ['1', '3'], 'fr');
    validateComponents(next);
    const menu = next[0]?.components[0] as { custom_id: string; options: { value: string }[] };
    expect(menu.custom_id).toBe('r:0:1:1,3');
    expect(menu.options.map((o) => o.value)).toEqual(['2', '4']);
    expect(next[1]?.components[0]).toMatchObject({ custom_id: 'rd:0:1:1,3' });
    expect(rankRows(place, all, ['1', '2'], 'fr', 2).map((r) => r.components[0]?.type)).toEqual([2]);
  });

  it('keeps labels within Discord’s limits however long the idea is', () => {
    const long = items(3, 'x'.repeat(500) + '😀'.repeat(50));
    validateComponents(ballotComponents(place, single, long, 'fr').rows);
    validateComponents(ballotComponents(place, { method: 'approval', maxChoices: 2, allowChange: true }, long, 'fr').rows);
    expect(truncate('😀'.repeat(100), 80)).toHaveLength(79); // 39 emoji (two UTF-16 units each), never half of one, and the ellipsis
  });

  it('has no components for an empty shortlist', () => {
    expect(ballotComponents(place, single, [], 'fr')).toEqual({ rows: [], dropped: 0 });
  });
});

describe('list buttons and modals', () => {
  it('offers edit and withdraw for at most ten of a fan’s ideas, a shortlist button for at most 25', () => {
    const own = ownProposalRows(0, items(14).map((i) => i.id), 'fr');
    validateComponents(own);
    expect(own.flatMap((r) => r.components)).toHaveLength(20);
    const review = reviewRows(0, items(40).map((i) => i.id), 'en');
    validateComponents(review);
    expect(review.flatMap((r) => r.components)).toHaveLength(25);
  });

  it('builds a propose modal with a category select, or a text field alone when the category is chosen', () => {
    const open = campaign.categories.map((spec, index) => ({ spec, index })).filter((c) => !c.spec.options);
    const both = proposeModal(0, open, undefined, 'fr');
    validateModal(both);
    expect(both.components.map((c) => c.type)).toEqual([18, 18]);
    const one = proposeModal(0, open, 0, 'en');
    validateModal(one);
    expect(one).toMatchObject({ custom_id: 'p:0:0', components: [{ component: { min_length: 3, max_length: 280 } }] });
    validateModal(editModal(0, 'zz', { min: 3, max: 5000 }, 'fr'));
  });
});

describe('slash commands', () => {
  it('are valid for Discord, with French names and descriptions', () => {
    const commands = commandDefinitions();
    expect(() => validateCommands(commands)).not.toThrow();
    for (const command of commands) {
      expect(command.name_localizations?.fr).toBeDefined();
      expect(command.description_localizations?.fr).not.toBe(command.description);
    }
  });
});
