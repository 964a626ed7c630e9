import { LOCAL_VERBS, parseLocalCommand, type CommandBody } from '../../../adapters/local/parse';
import { CATALOGS } from '../../../src/i18n/messages';

const engineCommand = (line: string): CommandBody => {
  const parsed = parseLocalCommand(line);
  if (!parsed.ok || parsed.command.kind !== 'engine') throw new Error(`not an engine command: ${line} → ${JSON.stringify(parsed)}`);
  return parsed.command.command;
};
const usageOf = (line: string): string | undefined => {
  const parsed = parseLocalCommand(line);
  return parsed.ok ? undefined : parsed.usage;
};

describe('parseLocalCommand: engine commands', () => {
  it.each<[string, CommandBody]>([
    ['/status', { type: 'status' }],
    ['/propose cult-line "Je suis Norman !"', { type: 'propose', categoryId: 'cult-line', text: 'Je suis Norman !' }],
    ['/propose cult-line Je suis "Norman"', { type: 'propose', categoryId: 'cult-line', text: 'Je suis "Norman"' }],
    ['/propose cult-line « Un pingouin »', { type: 'propose', categoryId: 'cult-line', text: 'Un pingouin' }],
    ['/propose   cult-line    spaced   out  ', { type: 'propose', categoryId: 'cult-line', text: 'spaced   out' }],
    ['/edit 7 "new text"', { type: 'edit', proposalId: '7', text: 'new text' }],
    ['/edit #7 new text', { type: 'edit', proposalId: '7', text: 'new text' }],
    ['/withdraw 7', { type: 'withdraw', proposalId: '7' }],
    ['/like #7', { type: 'like', proposalId: '7' }],
    ['/unlike 7', { type: 'unlike', proposalId: '7' }],
    ['/proposals', { type: 'proposals' }],
    ['/proposals cult-line', { type: 'proposals', categoryId: 'cult-line' }],
    ['/proposals mine', { type: 'proposals', mine: true }],
    ['/proposals cult-line mine', { type: 'proposals', categoryId: 'cult-line', mine: true }],
    ['/reject 7 off topic, sorry', { type: 'reject', proposalId: '7', reason: 'off topic, sorry' }],
    ['/shortlist add 7', { type: 'shortlist.add', proposalId: '7' }],
    ['/shortlist remove #7', { type: 'shortlist.remove', proposalId: '7' }],
    ['/shortlist list cult-line', { type: 'shortlist.list', categoryId: 'cult-line' }],
    ['/vote cult-line 7', { type: 'vote', categoryId: 'cult-line', choice: ['7'] }],
    ['/vote villain 4 2 9', { type: 'vote', categoryId: 'villain', choice: ['4', '2', '9'] }],
    ['/vote villain #4, #2', { type: 'vote', categoryId: 'villain', choice: ['4', '2'] }],
    ['/advance', { type: 'advance' }],
    ['/advance cult-line', { type: 'advance', categoryId: 'cult-line' }],
    ['/pause', { type: 'pause' }],
    ['/pause villain', { type: 'pause', categoryId: 'villain' }],
    ['/resume', { type: 'resume' }],
    ['/resume villain', { type: 'resume', categoryId: 'villain' }],
    ['/extend PT2H', { type: 'extend', by: 'PT2H' }],
    ['/extend cult-line p1d', { type: 'extend', categoryId: 'cult-line', by: 'P1D' }],
    ['/tie cult-line 7', { type: 'break-tie', categoryId: 'cult-line', proposalId: '7' }],
    ['/results', { type: 'results' }],
    ['/results cult-line', { type: 'results', categoryId: 'cult-line' }],
    ['/STATUS', { type: 'status' }],
  ])('%s', (line, expected) => {
    expect(engineCommand(line)).toEqual(expected);
  });
});

describe('parseLocalCommand: chat directives', () => {
  it('plays a fan by default, or the role given', () => {
    expect(parseLocalCommand('/as alice')).toEqual({ ok: true, command: { kind: 'as', name: 'alice', role: 'fan' } });
    expect(parseLocalCommand('/as norman curator')).toEqual({ ok: true, command: { kind: 'as', name: 'norman', role: 'curator' } });
    expect(parseLocalCommand('/as léa Manager')).toEqual({ ok: true, command: { kind: 'as', name: 'léa', role: 'manager' } });
  });

  it('switches or shows the campaign, helps and quits', () => {
    expect(parseLocalCommand('/campaign quirky-auchan')).toEqual({ ok: true, command: { kind: 'campaign', id: 'quirky-auchan' } });
    expect(parseLocalCommand('/campaign')).toEqual({ ok: true, command: { kind: 'campaign' } });
    expect(parseLocalCommand('/help')).toEqual({ ok: true, command: { kind: 'help' } });
    expect(parseLocalCommand('/quit')).toEqual({ ok: true, command: { kind: 'quit' } });
    expect(parseLocalCommand('/exit')).toEqual({ ok: true, command: { kind: 'quit' } });
  });

  it('ignores an empty line', () => {
    expect(parseLocalCommand('   ')).toEqual({ ok: true, command: { kind: 'nothing' } });
  });
});

describe('parseLocalCommand: mistakes', () => {
  it('answers unknown to text that is not a known command', () => {
    expect(usageOf('hello')).toBe('unknown');
    expect(usageOf('/frobnicate 3')).toBe('unknown');
    expect(usageOf('/')).toBe('unknown');
  });

  it.each([
    ['/as', 'as'],
    ['/as alice admin', 'as'],
    ['/as alice fan extra', 'as'],
    ['/as <@123>', 'as'],
    ['/campaign a b', 'campaign'],
    ['/status now', 'status'],
    ['/propose', 'propose'],
    ['/propose cult-line', 'propose'],
    ['/propose cult-line ""', 'propose'],
    ['/edit 7', 'edit'],
    ['/edit # text', 'edit'],
    ['/withdraw', 'withdraw'],
    ['/like 7 8', 'like'],
    ['/unlike', 'unlike'],
    ['/proposals a b', 'proposals'],
    ['/proposals mine mine', 'proposals'],
    ['/reject 7', 'reject'],
    ['/shortlist', 'shortlist'],
    ['/shortlist add', 'shortlist'],
    ['/shortlist drop 7', 'shortlist'],
    ['/shortlist list', 'shortlist'],
    ['/vote', 'vote'],
    ['/vote cult-line', 'vote'],
    ['/advance a b', 'advance'],
    ['/pause a b', 'pause'],
    ['/resume a b', 'resume'],
    ['/extend', 'extend'],
    ['/extend cult-line', 'extend'],
    ['/extend cult-line two-hours', 'extend'],
    ['/extend a b PT2H', 'extend'],
    ['/tie cult-line', 'tie'],
    ['/results a b', 'results'],
    ['/help me', 'help'],
    ['/quit now', 'quit'],
  ])('gives the usage of the verb for %s', (line, verb) => {
    expect(usageOf(line)).toBe(verb);
  });

  it('has a localized usage line for every verb', () => {
    for (const verb of LOCAL_VERBS) {
      expect(CATALOGS.en[`usage.${verb}`]).toMatch(new RegExp(`^/${verb}\\b`));
      expect(CATALOGS.fr[`usage.${verb}`]).toMatch(new RegExp(`^/${verb}\\b`));
    }
  });

  it('never throws, whatever the line', () => {
    for (const line of ['/propose "', '/vote , , ,', '/as \u0000', `/propose x ${'y'.repeat(20_000)}`, '/"quoted"', '\u202E/status']) {
      expect(() => parseLocalCommand(line)).not.toThrow();
    }
  });
});

describe('parseLocalCommand: trust and fairness', () => {
  it.each<[string, CommandBody]>([
    ['/mydata', { type: 'mydata' }],
    ['/forgetme confirm', { type: 'forgetme' }],
    ['/ban bob "spam, spam"', { type: 'ban', fan: 'local:bob', reason: 'spam, spam' }],
    ['/ban telegram:42', { type: 'ban', fan: 'telegram:42', reason: '' }],
    ['/unban bob', { type: 'unban', fan: 'local:bob' }],
    ['/bans', { type: 'bans' }],
    ['/fan export discord:123', { type: 'fan.export', fan: 'discord:123' }],
    ['/fan erase alice', { type: 'fan.erase', fan: 'local:alice' }],
  ])('%s', (line, expected) => {
    expect(engineCommand(line)).toEqual(expected);
  });

  it('asks for the confirmation before erasing', () => {
    expect(usageOf('/forgetme')).toBe('forgetme');
    expect(usageOf('/fan delete bob')).toBe('fan');
  });
});
