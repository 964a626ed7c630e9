/** The one component id codec of every platform: short, canonical, bounded, and nothing it did not make. */
import fc from 'fast-check';
import { decodeChatId, encodeChatId, ID_MAX_BYTES, type ChatId } from '../../src/chat/ids';
import { decodeCustomId } from '../../adapters/discord/ids';
import { decodeCallback, encodeCallback } from '../../adapters/telegram/callback';

const index = fc.integer({ min: 0, max: 999 });
const proposalId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const chatId: fc.Arbitrary<ChatId> = fc.oneof(
  fc.record({ kind: fc.constant('vote' as const), campaign: index, category: index, proposalId }),
  fc.record({ kind: fc.constant('select' as const), campaign: index, category: index, page: index }),
  fc.record({ kind: fc.constantFrom('rank' as const, 'rank-done' as const), campaign: index, category: index, ranked: fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,3}$/), { maxLength: 10 }) }),
  fc.record({ kind: fc.constantFrom('vote-submit' as const, 'vote-reset' as const), campaign: index, category: index }),
  fc.record({ kind: fc.constant('propose' as const), campaign: index }),
  fc.record({ kind: fc.constant('propose' as const), campaign: index, category: index }),
  fc.record({ kind: fc.constantFrom('edit' as const, 'edit-modal' as const, 'withdraw' as const, 'shortlist-add' as const, 'shortlist-remove' as const), campaign: index, proposalId }),
);

describe('the component id codec', () => {
  it('round-trips every id within the longest platform limit, and decodes only what it would write itself', () => {
    fc.assert(fc.property(chatId, (id) => {
      const text = encodeChatId(id, ID_MAX_BYTES.discord);
      expect(decodeChatId(text, ID_MAX_BYTES.discord)).toEqual(id);
    }));
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (text) => {
      const id = decodeChatId(text, ID_MAX_BYTES.discord);
      if (id !== null) expect(encodeChatId(id, ID_MAX_BYTES.discord)).toBe(text);
    }));
  });

  it('writes a ballot button the same way on Discord and on Telegram', () => {
    expect(encodeCallback({ kind: 'vote', campaign: 0, category: 1, proposalId: 'a' })).toBe('v:0:1:a');
    expect(decodeCustomId('v:0:1:a')).toEqual({ kind: 'vote', campaign: 0, category: 1, proposalId: 'a' });
    expect(decodeCallback('sa:2:k')).toEqual({ kind: 'shortlist.add', campaign: 2, proposalId: 'k' });
    expect(decodeCustomId('sa:2:k')).toEqual({ kind: 'shortlist-add', campaign: 2, proposalId: 'k' });
  });

  it('refuses an index written another way, one past three digits, and an id over the limit', () => {
    for (const text of ['v:01:0:a', 'v:0:00:a', 'v:1000:0:a', 's:0:1:01']) expect(decodeChatId(text, 100)).toBeNull();
    expect(decodeChatId(`v:0:0:${'a'.repeat(32)}`, 37)).toBeNull();
    expect(() => encodeChatId({ kind: 'rank', campaign: 0, category: 0, ranked: Array.from({ length: 30 }, (_, i) => `p${i}`) }, ID_MAX_BYTES.telegram)).toThrow(/longer than 64/);
  });

  it('keeps each platform to the kinds it uses', () => {
    expect(decodeCustomId('vd:0:1')).toBeNull(); // Discord ballots submit with their own components
    expect(decodeCallback('s:0:1:0')).toBeNull(); // Telegram has no select menus
    expect(decodeCallback('p:0')).toBeNull(); // Telegram's propose buttons always name the category
    expect(decodeChatId('p:0', 64)).toEqual({ kind: 'propose', campaign: 0 });
  });
});
