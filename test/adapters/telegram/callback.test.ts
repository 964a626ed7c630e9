import fc from 'fast-check';
import { CALLBACK_DATA_MAX_BYTES, decodeCallback, encodeCallback, type CallbackAction } from '../../../adapters/telegram/callback';

const index = fc.integer({ min: 0, max: 999 });
const proposalId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const action: fc.Arbitrary<CallbackAction> = fc.oneof(
  fc.record({ kind: fc.constant('vote' as const), campaign: index, category: index, proposalId }),
  fc.record({ kind: fc.constantFrom('vote.submit' as const, 'vote.reset' as const, 'propose' as const), campaign: index, category: index }),
  fc.record({ kind: fc.constantFrom('edit' as const, 'withdraw' as const, 'shortlist.add' as const, 'shortlist.remove' as const), campaign: index, proposalId }),
);

describe('callback_data of inline buttons', () => {
  it('round-trips every action within Telegram\'s 64 bytes', () => {
    fc.assert(fc.property(action, (a) => {
      const data = encodeCallback(a);
      expect(Buffer.byteLength(data, 'utf8')).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
      expect(decodeCallback(data)).toEqual(a);
    }));
  });

  it('is short and opaque', () => {
    expect(encodeCallback({ kind: 'vote', campaign: 0, category: 2, proposalId: '1z' })).toBe('v:0:2:1z');
    expect(encodeCallback({ kind: 'shortlist.add', campaign: 1, proposalId: 'a' })).toBe('sa:1:a');
  });

  it('refuses data it did not make, whatever it is', () => {
    for (const forged of ['', 'v', 'v:0', 'v:0:0', 'v:0:0:', 'v:-1:0:1', 'v:0:0:1:2', 'v:0:0:a b', 'vd:0:0:1', 'x:0:0', 'w:0', 'e:0:0:1', 'p:0', 'v:0:0:<b>', 'v:1000:0:1', 'v:0:0:' + 'a'.repeat(33)]) {
      expect({ forged, action: decodeCallback(forged) }).toEqual({ forged, action: null });
    }
    expect(decodeCallback(undefined)).toBeNull();
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (data) => {
      const decoded = decodeCallback(data);
      if (decoded !== null) expect(encodeCallback(decoded)).toBe(data);
    }));
  });
});
