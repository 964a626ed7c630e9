/**
 * The hostile-input check at the engine's door: fan text and display names from a fuzzer
 * (control characters, zero-width, RTL overrides, 100 KB strings, emoji, `@everyone`, HTML,
 * markdown links) never crash the engine — every command answers a result or a typed refusal —
 * and whatever the engine then says (replies, lists, announcements) renders inert on Telegram
 * and Discord. (Campaign files from a fuzzer: test/config/robustness.test.ts.)
 */
import fc from 'fast-check';
import type { CommandResult } from '../../src/engine/commands';
import { renderEvent, renderResult, toDiscordMarkdown, toTelegramHtml, type RenderedMessage } from '../../src/render/message';
import type { Command } from '../../src/engine/commands';
import { DAY, HOUR, T0, campaign, category, harness } from '../helpers/harness';
import type { Actor } from '../../src/model/campaign';

const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const PIECES = [
  '@everyone', '@here', '<@&123>', '<@123>', '<#1>', '[click](https://evil.example)', '<b>', '</b>', '<a href="x">', '&amp;', '&',
  '\u202e', '\u2066', '\u200b', '\u200d', '\u0000', '\u0007', '\u001b[31m', '\n', '\r', '\t', '👩‍👧‍👦', '🇫🇷', 'é', 'ﷺ', '`', '**', '||', '> ', '# ', '\\',
];

const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 40 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
  // 100 KB and more: bounded by the engine, never stored or echoed whole
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PIECES), fc.integer({ min: 5_000, max: 60_000 })).map(([piece, n]) => piece.repeat(n).slice(0, 100_000 + n)) },
);

function expectInert(msg: RenderedMessage): void {
  const html = toTelegramHtml(msg);
  expect(html).not.toMatch(/[<>]/); // no tag at all: the only tags the bot writes are opt-in mentions
  expect(html).not.toMatch(/@(everyone|here)/u);
  expect(html).not.toMatch(CONTROLS);
  expect(html).not.toMatch(BIDI);
  expect(html.length).toBeLessThan(60_000);
  for (const chunk of toDiscordMarkdown(msg)) {
    expect(chunk.length).toBeLessThanOrEqual(2000);
    expect(chunk).not.toMatch(/@(everyone|here)|(?<!\\)<[@#]|(?<!\\)\]\(/u);
    expect(chunk).not.toMatch(CONTROLS);
    expect(chunk).not.toMatch(BIDI);
  }
}

describe('hostile fan input through the engine (property)', () => {
  it('never crashes the engine, and everything it answers or announces renders inert', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(hostile, hostile), { minLength: 1, maxLength: 4 }), hostile, async (inputs, reason) => {
      const spec = campaign([category('villain', { proposals: { minLength: 1, maxLength: 280, perFan: 3 }, shortlist: { by: 'curators', size: 5 } })]);
      const h = await harness(spec);
      const curator: Actor = { platform: 'local', userId: 'norman', displayName: 'Norman', grantedRoles: ['curator'] };
      const rendered: RenderedMessage[] = [];
      const run = async (actor: Actor, body: Omit<Command, 'campaignId'>): Promise<CommandResult> => {
        const command = { ...body, campaignId: spec.id } as Command;
        const result = await h.engine.execute(command, actor);
        expect(typeof result.ok).toBe('boolean');
        rendered.push(renderResult(result, command, spec, 'en'), renderResult(result, command, spec, 'fr'));
        return result;
      };
      await h.until(T0 + 2 * HOUR);
      const ids: string[] = [];
      for (const [i, [text, name]] of inputs.entries()) {
        const actor: Actor = { platform: i % 2 ? 'discord' : 'telegram', userId: String(1000 + i), displayName: name };
        const result = await run(actor, { type: 'propose', categoryId: 'villain', text } as Omit<Command, 'campaignId'>);
        if (result.ok && result.type === 'propose') {
          ids.push(result.proposal.id);
          expect(result.proposal.text.length).toBeLessThanOrEqual(280 * 16); // bounded in code units too, not only in characters
          await run(actor, { type: 'edit', proposalId: result.proposal.id, text: `${text}${name}` } as Omit<Command, 'campaignId'>);
        }
      }
      await run(curator, { type: 'proposals', categoryId: 'villain' } as Omit<Command, 'campaignId'>);
      await h.until(T0 + 8 * DAY + 2 * HOUR); // propose closed: shortlist
      if (ids[0] !== undefined) await run(curator, { type: 'reject', proposalId: ids[0], reason } as Omit<Command, 'campaignId'>);
      for (const id of ids.slice(1)) await run(curator, { type: 'shortlist.add', proposalId: id } as Omit<Command, 'campaignId'>);
      await h.until(T0 + 9 * DAY + 2 * HOUR); // vote
      if (ids[1] !== undefined) await run({ platform: 'telegram', userId: '9', displayName: reason }, { type: 'vote', categoryId: 'villain', choice: [ids[1]] } as Omit<Command, 'campaignId'>);
      await h.until(T0 + 12 * DAY); // reveal
      await run(curator, { type: 'status' } as Omit<Command, 'campaignId'>);
      for (const event of h.delivered) rendered.push(renderEvent(event, spec, 'en'), renderEvent(event, spec, 'fr'));
      expect(h.errors).toEqual([]);
      for (const msg of rendered) expectInert(msg);
    }), { numRuns: 50 });
  }, 120_000); // a generous bound for a loaded CI machine: this is no performance assertion
});
