/**
 * The chat catalogue and what every platform derives from it: the Discord registration payload,
 * the Telegram command menu, the grammar of Telegram and of the local chat, and who may use each
 * command (read from the engine's permission rule, never written twice).
 */
import { commandDefinitions, slashCommand } from '../../adapters/discord/definitions';
import { TELEGRAM_COMMANDS } from '../../adapters/telegram/adapter';
import { LOCAL_VERBS } from '../../adapters/local/parse';
import { CATALOGUE, chatCommand, roleNeeded, type ChatCommand } from '../../src/chat/catalogue';
import { parseTextCommand, textGrammar, type FanReader, type TextPlatform } from '../../src/chat/text';
import { mayRun } from '../../src/engine/permissions';
import { CATALOGS } from '../../src/i18n/messages';
import { sampleLine } from '../helpers/chat-samples';

const fans: FanReader = { named: (word) => (/^\d+$/.test(word) ? `telegram:${word}` : `local:${word}`), implied: () => null };

function parsedEntry(platform: TextPlatform, line: string): ChatCommand | null {
  const [verb = '', ...rest] = line.slice(1).split(' ');
  const parsed = parseTextCommand(textGrammar(platform), verb, rest.join(' '), fans);
  return parsed.ok ? parsed.command : null;
}

describe('the chat catalogue', () => {
  it('offers every catalogued command on every platform that declares it', () => {
    const payload = commandDefinitions();
    for (const entry of CATALOGUE) {
      if (entry.discord) {
        const { command, subcommand, options } = entry.discord;
        const registered = payload.find((c) => c.name === command);
        const declared = subcommand === undefined ? registered : registered?.options?.find((o) => o.name === subcommand);
        expect({ entry: entry.name, registered: declared !== undefined }).toEqual({ entry: entry.name, registered: true });
        const names = ((declared as { options?: { name: string; required?: boolean }[] }).options ?? []).map((o) => `${o.name}${o.required ? '' : '?'}`);
        expect(names.sort()).toEqual(options.map((slot) => slot.replace('+', '')).sort());
        expect(slashCommand(command, subcommand ?? null)).toBe(entry);
      }
      for (const form of entry.telegram ?? []) {
        expect(TELEGRAM_COMMANDS).toContain(form.verb);
        expect({ line: sampleLine(form), entry: parsedEntry('telegram', sampleLine(form))?.name }).toEqual({ line: sampleLine(form), entry: entry.name });
      }
      for (const form of entry.local ?? []) {
        expect(LOCAL_VERBS).toContain(form.verb);
        expect({ line: sampleLine(form), entry: parsedEntry('local', sampleLine(form))?.name }).toEqual({ line: sampleLine(form), entry: entry.name });
      }
    }
  });

  it('lists each command of a menu once, in the catalogue’s order', () => {
    expect(new Set(TELEGRAM_COMMANDS).size).toBe(TELEGRAM_COMMANDS.length);
    expect(new Set(LOCAL_VERBS).size).toBe(LOCAL_VERBS.length);
    expect(new Set(commandDefinitions().map((c) => c.name)).size).toBe(commandDefinitions().length);
    expect(TELEGRAM_COMMANDS.indexOf('propose')).toBeLessThan(TELEGRAM_COMMANDS.indexOf('receipt'));
  });

  it('describes every typed verb in French and English', () => {
    for (const verb of TELEGRAM_COMMANDS) {
      expect(CATALOGS.en[`telegram.command.${verb}`]).toBeTruthy();
      expect(CATALOGS.fr[`telegram.command.${verb}`]).toBeTruthy();
    }
    for (const verb of LOCAL_VERBS) {
      expect(CATALOGS.en[`usage.${verb}`]).toMatch(new RegExp(`^/${verb}\\b`));
      expect(CATALOGS.fr[`usage.${verb}`]).toMatch(new RegExp(`^/${verb}\\b`));
    }
  });

  it('reads who may use a command from the engine’s permission rule', () => {
    for (const entry of CATALOGUE) {
      const type = entry.gate ?? entry.runs;
      const role = roleNeeded(entry);
      if (type === null) expect(role).toBeNull();
      else expect(mayRun(type, [role!])).toBe(true);
    }
    expect(roleNeeded(chatCommand('reveal'))).toBe('manager');
    expect(roleNeeded(chatCommand('shortlist.review'))).toBe('curator');
    expect(roleNeeded(chatCommand('receipt'))).toBe('fan');
    expect(roleNeeded(chatCommand('help'))).toBeNull();
  });

  it('builds the engine command each entry says it runs', () => {
    for (const entry of CATALOGUE) {
      if (!entry.build) {
        expect(entry.runs).toBeNull();
        continue;
      }
      expect({ entry: entry.name, type: entry.build({ category: 'one', proposal: '1', fan: 'local:bob', duration: 'PT2H', text: 'x', reason: 'r', choice: ['1'] }).type })
        .toEqual({ entry: entry.name, type: entry.runs });
    }
  });
});
