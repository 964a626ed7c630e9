/**
 * The one grammar of typed commands (Telegram and the local chat): forms tried in order, optional
 * words taken from the left, flags anywhere, a repeated option running the command once per
 * value, a moderator's fan named or replied to.
 */
import fc from 'fast-check';
import { parseTextCommand, textGrammar, type FanReader, type TextParse } from '../../src/chat/text';

const telegram = textGrammar('telegram');
const local = textGrammar('local');
const named: FanReader = { named: (w) => (/^\d+$/.test(w) ? `telegram:${w}` : null), implied: () => null };
const replying: FanReader = { named: named.named, implied: () => 'telegram:42' };

function parse(grammar: typeof telegram, line: string, fans: FanReader = named): TextParse {
  const [verb = '', ...rest] = line.split(' ');
  return parseTextCommand(grammar, verb, rest.join(' '), fans);
}

function uses(parsed: TextParse): unknown {
  return parsed.ok ? { command: parsed.command.name, uses: parsed.uses } : parsed;
}

describe('the typed-command grammar', () => {
  it('takes an optional word only when there are more words than the required ones', () => {
    expect(uses(parse(local, 'extend PT2H'))).toEqual({ command: 'extend', uses: [{ duration: 'PT2H' }] });
    expect(uses(parse(local, 'extend cult-line pt2h'))).toEqual({ command: 'extend', uses: [{ category: 'cult-line', duration: 'PT2H' }] });
    expect(uses(parse(local, 'extend a b PT2H'))).toEqual({ ok: false, verb: 'extend' });
  });

  it('reads a flag anywhere on the line, at most once', () => {
    expect(uses(parse(local, 'proposals mine cult-line'))).toEqual({ command: 'proposals', uses: [{ category: 'cult-line', mine: true }] });
    expect(uses(parse(local, 'proposals MINE'))).toEqual({ command: 'proposals', uses: [{ mine: true }] });
    expect(uses(parse(local, 'proposals mine mine'))).toEqual({ ok: false, verb: 'proposals' });
  });

  it('runs a command once per value of a repeated option', () => {
    expect(uses(parse(telegram, 'shortlist add 1 #2 3'))).toEqual({ command: 'shortlist.add', uses: [{ proposal: '1' }, { proposal: '2' }, { proposal: '3' }] });
    // The local chat takes one idea at a time.
    expect(uses(parse(local, 'shortlist add 1 2'))).toEqual({ ok: false, verb: 'shortlist' });
  });

  it('tries the next form of a verb when the literal second word does not fit', () => {
    expect(uses(parse(telegram, 'shortlist cult-line'))).toEqual({ command: 'shortlist.list', uses: [{ category: 'cult-line' }] });
    expect(uses(parse(telegram, 'shortlist add'))).toEqual({ command: 'shortlist.list', uses: [{ category: 'add' }] });
    expect(uses(parse(telegram, 'shortlist'))).toEqual({ command: 'shortlist.review', uses: [{}] });
    expect(uses(parse(local, 'shortlist'))).toEqual({ ok: false, verb: 'shortlist' });
  });

  it('takes the fan a moderator replies to when the first word names no fan', () => {
    expect(uses(parse(telegram, 'ban 1666 flooding', replying))).toEqual({ command: 'ban', uses: [{ fan: 'telegram:1666', reason: 'flooding' }] });
    expect(uses(parse(telegram, 'ban flooding the group', replying))).toEqual({ command: 'ban', uses: [{ fan: 'telegram:42', reason: 'flooding the group' }] });
    expect(uses(parse(telegram, 'ban flooding the group'))).toEqual({ ok: false, verb: 'ban' });
    expect(uses(parse(telegram, 'unban', replying))).toEqual({ command: 'unban', uses: [{ fan: 'telegram:42' }] });
  });

  it('keeps the text of an idea whole, its outer quotes removed', () => {
    expect(uses(parse(local, 'propose cult-line   « Un   pingouin »'))).toEqual({ command: 'propose', uses: [{ category: 'cult-line', text: 'Un   pingouin' }] });
    expect(uses(parse(telegram, 'propose'))).toEqual({ command: 'propose', uses: [{}] });
  });

  it('knows aliases, and says when a word is no verb of the platform', () => {
    expect(uses(parse(telegram, 'start'))).toEqual({ command: 'help', uses: [{}] });
    expect(uses(parse(local, 'exit now'))).toEqual({ ok: false, verb: 'quit' });
    expect(uses(parse(telegram, 'tie cult-line 1'))).toEqual({ ok: false, verb: null });
    expect(uses(parse(local, 'mine'))).toEqual({ ok: false, verb: null });
  });

  it('never throws, and only ever gives values the options accept', () => {
    fc.assert(fc.property(fc.constantFrom(telegram, local), fc.string({ maxLength: 12 }), fc.string({ maxLength: 200 }), (grammar, verb, rest) => {
      const parsed = parseTextCommand(grammar, verb, rest, replying);
      if (!parsed.ok) return;
      for (const use of parsed.uses) {
        if (use.duration !== undefined) expect(use.duration).toMatch(/^P[0-9A-Z.,]+$/);
        if (use.proposal !== undefined) expect(use.proposal).not.toMatch(/^#|^$/);
        if (use.choice !== undefined) expect(use.choice.length).toBeGreaterThan(0);
      }
    }));
  });
});
