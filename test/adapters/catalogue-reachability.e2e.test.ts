/**
 * Every command of the chat catalogue is reachable on every platform that declares it: through
 * the real discord.js against the Discord stand-in (registered from the derived payload, then
 * used as a member would), the real telegraf against the Bot API stand-in (typed as a member
 * would), and the local chat. Each use must reach the engine with the command its entry runs
 * (or, for the chat's own commands, be answered by the chat).
 */
import { PassThrough } from 'node:stream';
import { REST, Routes } from 'discord.js';
import { DiscordAdapter } from '../../adapters/discord/adapter';
import { commandDefinitions } from '../../adapters/discord/definitions';
import { TelegramAdapter } from '../../adapters/telegram/adapter';
import { LocalChat } from '../../adapters/local/chat';
import { CATALOGUE, type ChatCommand } from '../../src/chat/catalogue';
import { parseSlot } from '../../src/chat/options';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { Actor, CampaignSpec, CategorySpec } from '../../src/model/campaign';
import { SAMPLE, sampleLine } from '../helpers/chat-samples';
import { FakeDiscord, settled, waitFor, type InteractionRecord } from './discord/fake-discord';
import { FakeBotApi } from './telegram/fake-bot-api';

jest.setTimeout(120_000);

const GUILD = '1600000000000000001';
const CHANNEL = '1600000000000000002';
const CHAT = -1_001_600;

const category = (id: string, title: string): CategorySpec => ({
  id, title, phases: [], revealAt: 0,
  proposals: { minLength: 1, maxLength: 500, perFan: 3 },
  shortlist: { by: 'curators', size: 5 },
  vote: { method: 'single', allowChange: true },
  reveal: { winners: 1, tieBreak: 'earliest' },
});

const spec: CampaignSpec = {
  id: 'demo', title: 'Demo', locale: 'en',
  channels: { discord: [{ guild: GUILD, channel: CHANNEL }], telegram: [{ chat: String(CHAT) }] },
  roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: [] } },
  categories: [category('one', 'One'), category('two', 'Two')],
};

/** An engine that shows one category taking ideas and one being voted on, and records every command. */
class RecordingEngine {
  readonly seen: Command[] = [];
  async execute(command: Command, _actor: Actor): Promise<CommandResult> {
    this.seen.push(command);
    switch (command.type) {
      case 'status':
        return {
          ok: true, type: 'status', title: 'Demo', roles: ['fan', 'curator', 'manager'], categories: [
            { id: 'one', title: 'One', phase: 'propose', paused: false, endsAt: null, proposals: 0, ballots: null },
            { id: 'two', title: 'Two', phase: 'vote', paused: false, endsAt: null, proposals: 0, ballots: null },
          ],
        };
      case 'shortlist.list': return { ok: true, type: 'shortlist.list', proposals: [] };
      case 'proposals': return { ok: true, type: 'proposals', proposals: [] };
      default: return { ok: false, code: 'phase.closed' };
    }
  }
}

/** Waits until the engine saw a command of `type` after the first `since` ones. */
async function reached(engine: RecordingEngine, since: number, type: string, what: string): Promise<void> {
  await waitFor(() => engine.seen.slice(since).some((c) => c.type === type), 10_000, `${what} to reach the engine as ${type}`);
}

describe('every catalogued command', () => {
  it('is reachable on Discord, from the registered slash commands', async () => {
    const fake = new FakeDiscord({ token: 'reach.discord', applicationId: '1600000000000000009', guilds: [{ id: GUILD, name: 'Reach', channels: [{ id: CHANNEL, name: 'demo' }], roles: [] }] });
    await fake.start();
    const engine = new RecordingEngine();
    const adapter = new DiscordAdapter({
      engine, campaigns: [spec], token: 'reach.discord', apiBase: fake.apiBase, log: () => {},
      client: { ws: { buildIdentifyThrottler: () => Promise.resolve({ waitForIdentify: () => Promise.resolve() }) } } as never,
    });
    try {
      await new REST({ api: fake.apiBase }).setToken('reach.discord').put(Routes.applicationGuildCommands('1600000000000000009', GUILD), { body: commandDefinitions() });
      await adapter.start();
      const member = { id: '1600000000000000100', username: 'member' };
      const entries = CATALOGUE.filter((entry): entry is ChatCommand & { discord: NonNullable<ChatCommand['discord']> } => entry.discord !== undefined);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const { command, subcommand, options } = entry.discord;
        const values: Record<string, string> = {};
        // The required options, and the confirmation an erasure waits for.
        for (const slot of options) {
          const { option, optional } = parseSlot(slot);
          if (!optional) values[option] = SAMPLE[option];
          if (option === 'confirm') values[option] = 'yes';
        }
        const since = engine.seen.length;
        const name = subcommand === undefined ? command : `${command} ${subcommand}`;
        let record: InteractionRecord = fake.slash(member, name, values);
        if (entry.renders === 'propose') {
          await waitFor(() => record.modal !== undefined, 10_000, `/${name} to open its form`);
          record = fake.submitModal(member, record, { text: SAMPLE.text });
        }
        await waitFor(() => settled(record), 10_000, `an answer to /${name}`);
        await reached(engine, since, entry.runs ?? '', `/${name}`);
      }
    } finally {
      await adapter.stop();
      await fake.stop();
    }
  });

  it('is reachable on Telegram, from the command menu', async () => {
    const fake = await FakeBotApi.start();
    const group = fake.group(CHAT, 'Reach');
    const engine = new RecordingEngine();
    const adapter = new TelegramAdapter({ engine, campaigns: [spec], token: fake.token, apiRoot: fake.apiRoot, log: () => {} });
    try {
      await adapter.start();
      const menu = await fake.waitForCall((call) => call.method === 'setMyCommands' && call.ok);
      const listed = (menu.params.commands as { command: string }[]).map((c) => c.command);
      const member = fake.user(1601, 'Member');
      for (const entry of CATALOGUE) {
        for (const form of entry.telegram ?? []) {
          expect(listed).toContain(form.verb);
          const line = sampleLine(form);
          const since = engine.seen.length;
          const asked = fake.say(member, group, line);
          if (entry.runs === null) {
            await fake.waitForMessage(group, (m) => m.replyTo === asked.message_id);
          } else {
            await reached(engine, since, entry.runs, line);
          }
        }
      }
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });

  it('is reachable in the local chat, from its verbs', async () => {
    const engine = new RecordingEngine();
    const forms = CATALOGUE.flatMap((entry) => (entry.local ?? []).map((form) => ({ entry, line: sampleLine(form) })));
    const lines = [...forms.filter((f) => f.entry.renders !== 'quit').map((f) => f.line), '/quit'];
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    const chat = new LocalChat({ engine, campaigns: [spec], input, output, locale: 'en', log: () => {}, exportDir: '/tmp' });
    const done = chat.start();
    input.end(lines.map((l) => `${l}\n`).join(''));
    await done;
    const ran = forms.filter((f) => f.entry.runs !== null).map((f) => f.entry.runs);
    expect(engine.seen.map((c) => c.type)).toEqual(ran);
    expect(text).not.toContain('Usage:');
    expect(text).not.toContain('Unknown command');
    expect(text).toContain('You are now alice');
    expect(text).toContain('Current campaign: “Demo” (demo).');
    expect(text).toContain('/quit — leave');
    expect(text.trimEnd().endsWith('Bye!')).toBe(true);
  });
});
