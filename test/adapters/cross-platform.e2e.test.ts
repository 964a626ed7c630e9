/**
 * One campaign on a Discord channel and a Telegram group at once: the real `cocreate run`
 * (a child process, both adapters, configured by environment variables only) against the fake
 * Discord (test/adapters/discord) and the fake Bot API (test/adapters/telegram). Proposals from both
 * platforms make one shortlist, ballots from both one tally, and the reveal on each platform
 * shows the same winner and the same counts.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FakeDiscord, replyText, settled, waitFor, type FakeUser as DiscordUser, type InteractionRecord, type PostedMessage } from './discord/fake-discord';
import { FakeBotApi, type BotMessage, type FakeChat, type FakeUser as TelegramUser } from './telegram/fake-bot-api';
import { startCocreate, writeCampaign, type CocreateProcess } from '../helpers/cocreate-process';

jest.setTimeout(60_000);

const BIN = join(resolve(__dirname, '../..'), 'bin/cocreate.js');
const DISCORD_TOKEN = 'fake-bot-token.cross';
const APP = '1300000000000000050';
const GUILD = '1300000000000000100';
const CHANNEL = '1300000000000000101';
const CURATOR_ROLE = '1300000000000000201';
const MANAGER_ROLE = '1300000000000000202';
const GROUP = -1009876543210;

const campaign = {
  id: 'cross-platform',
  title: 'One film, two chats',
  locale: 'en',
  channels: { discord: [{ guild: GUILD, channel: CHANNEL }], telegram: [{ chat: String(GROUP) }] },
  roles: {
    curators: { discord: [CURATOR_ROLE], telegram: ['2002'] },
    managers: { discord: [MANAGER_ROLE], telegram: ['2003'] },
  },
  schedule: {
    propose: { start: '2030-01-01T00:00:00Z', duration: 'P1D' },
    shortlist: { duration: 'P1D' },
    vote: { duration: 'P1D' },
    reveal: {},
  },
  shortlist: { by: 'curators', size: 5 },
  vote: { method: 'single', allowChange: false },
  reveal: { winners: 1, tieBreak: 'earliest' },
  categories: [{ id: 'cult-line', title: 'The cult line' }],
};

let discord: FakeDiscord;
let telegram: FakeBotApi;
let bot: CocreateProcess;
let dir: string;
let group: FakeChat;

const discordFans: DiscordUser[] = [1, 2, 3].map((i) => ({ id: String(1300000000000001000n + BigInt(i)), username: `dfan${i}`, locale: 'en-US' }));
const discordCurator: DiscordUser = { id: '1300000000000000900', username: 'dcurator', roles: [CURATOR_ROLE], locale: 'en-US' };
const discordManager: DiscordUser = { id: '1300000000000000901', username: 'dmanager', roles: [MANAGER_ROLE], locale: 'en-US' };
let telegramFans: TelegramUser[];
let telegramCurator: TelegramUser;
let telegramManager: TelegramUser;

async function answered(record: InteractionRecord): Promise<string> {
  await waitFor(() => settled(record), 10_000, `an answer to Discord interaction ${JSON.stringify(record.payload.data).slice(0, 120)}`);
  return replyText(record);
}

async function telegramSays(user: TelegramUser, text: string): Promise<BotMessage> {
  const sent = telegram.say(user, group, text);
  return telegram.waitForMessage(group, (m) => m.replyTo === sent.message_id);
}

function discordMessage(match: (m: PostedMessage) => boolean): Promise<PostedMessage> {
  return waitFor(() => discord.channelMessages(CHANNEL).some(match), 15_000, 'a Discord channel message')
    .then(() => discord.channelMessages(CHANNEL).find(match)!);
}

function ideaId(text: string): string {
  const id = /#([0-9a-z]+)/.exec(text)?.[1];
  if (!id) throw new Error(`no idea number in "${text}"`);
  return id;
}

/** `Ballots: N` and every `🏆 #id · … — votes: N` of a results announcement, whatever the platform's escaping. */
function outcome(text: string): { ballots: string; winners: string[] } {
  return {
    ballots: /Ballots: (\d+)/.exec(text)?.[1] ?? '?',
    winners: [...text.matchAll(/🏆 #([0-9a-z]+) .*? votes: (\d+)/g)].map((m) => `#${m[1]}: ${m[2]}`),
  };
}

beforeAll(async () => {
  discord = new FakeDiscord({
    token: DISCORD_TOKEN, applicationId: APP,
    guilds: [{
      id: GUILD, name: 'Fans', channels: [{ id: CHANNEL, name: 'the-film' }],
      roles: [{ id: CURATOR_ROLE, name: 'curators' }, { id: MANAGER_ROLE, name: 'managers' }],
    }],
  });
  await discord.start();
  telegram = await FakeBotApi.start();
  telegramFans = [1, 2, 3].map((i) => telegram.user(1000 + i, `Tina ${i}`));
  telegramCurator = telegram.user(2002, 'Norman');
  telegramManager = telegram.user(2003, 'Mia');
  group = telegram.group(GROUP, 'Fans on Telegram');

  const written = writeCampaign(campaign);
  dir = written.dir;
  const env = {
    DISCORD_TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_BASE: discord.apiBase,
    TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
    COCREATE_DATA_DIR: join(dir, 'data'),
  };
  await promisify(execFile)(process.execPath, [BIN, 'discord', 'register-commands', '--guild', GUILD], {
    cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
  });
  bot = startCocreate(written.file, dir, env);
  const opened = (text: string) => text.startsWith('Ideas wanted for “The cult line”');
  await Promise.all([
    telegram.waitForMessage(group, (m) => opened(m.text), 30_000),
    discordMessage((m) => opened(m.content)),
  ]).catch((error: Error) => { throw new Error(`${error.message}\n--- cocreate log:\n${bot.log()}`); });
});

afterAll(async () => {
  await bot?.stop();
  await telegram?.close();
  await discord?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('one campaign on Discord and Telegram at once', () => {
  const ids = { discord: '', telegram: '' };

  it('takes proposals from both platforms into one campaign', async () => {
    const opened = discord.slash(discordFans[0]!, 'propose', { category: 'cult-line' });
    await answered(opened);
    const fromDiscord = await answered(discord.submitModal(discordFans[0]!, opened, { text: 'A line from Discord' }));
    ids.discord = ideaId(fromDiscord);
    const fromTelegram = await telegramSays(telegramFans[0]!, '/propose cult-line A line from Telegram');
    expect(fromTelegram.text).toContain('Your idea #');
    ids.telegram = ideaId(fromTelegram.text);
    expect(ids.telegram).not.toBe(ids.discord);
    // Both are counted in the one status, asked from either platform.
    expect((await telegramSays(telegramFans[1]!, '/status')).text).toContain('ideas: 2');
  });

  it('makes one shortlist, picked by a curator on each platform, and announces every step on both', async () => {
    expect((await telegramSays(telegramManager, '/advance')).text).toContain('“The cult line”: proposals → shortlist');
    const closed = (text: string) => text.startsWith('Proposals for “The cult line” are closed');
    await telegram.waitForMessage(group, (m) => closed(m.text));
    await discordMessage((m) => closed(m.content));

    expect(await answered(discord.slash(discordCurator, 'shortlist add', { proposal: ids.discord }))).toBe(`Idea #${ids.discord} is now on the shortlist.`);
    expect((await telegramSays(telegramCurator, `/shortlist add ${ids.telegram}`)).text).toBe(`Idea #${ids.telegram} is now on the shortlist.`);

    expect(await answered(discord.slash(discordManager, 'campaign advance'))).toContain('“The cult line”: shortlist → vote');
    const ballotTelegram = await telegram.waitForMessage(group, (m) => m.keyboard.length > 0 && m.text.startsWith('The shortlist for “The cult line” is out!'));
    expect(ballotTelegram.keyboard.flat().map((b) => b.callback_data)).toEqual([`v:0:0:${ids.discord}`, `v:0:0:${ids.telegram}`]);
    const ballotDiscord = await discordMessage((m) => m.components.length > 0);
    const customIds = ballotDiscord.components.flatMap((row) => row.components.map((c: { custom_id: string }) => c.custom_id));
    expect(customIds).toEqual([`v:0:0:${ids.discord}`, `v:0:0:${ids.telegram}`]);
  });

  it('counts ballots from both platforms in one tally, one ballot per fan', async () => {
    const ballotDiscord = await discordMessage((m) => m.components.length > 0);
    const ballotTelegram = telegram.messagesIn(group).find((m) => m.keyboard.length > 0 && m.text.startsWith('The shortlist'))!;
    // The Telegram idea: 2 Discord fans + 2 Telegram fans; the Discord idea: 1 + 1.
    for (const [fan, id] of [[discordFans[0]!, ids.telegram], [discordFans[1]!, ids.telegram], [discordFans[2]!, ids.discord]] as const) {
      expect(await answered(discord.click(fan, ballotDiscord, `v:0:0:${id}`))).toMatch(/^Your vote in “The cult line” is counted/);
    }
    for (const [fan, id] of [[telegramFans[0]!, ids.telegram], [telegramFans[1]!, ids.telegram], [telegramFans[2]!, ids.discord]] as const) {
      const answer = await telegram.waitForAnswer(telegram.press(fan, ballotTelegram, `v:0:0:${id}`));
      expect(answer.text).toMatch(/^Your vote in “The cult line” is counted/);
    }
    // A second ballot is refused on either platform.
    expect(await answered(discord.click(discordFans[2]!, ballotDiscord, `v:0:0:${ids.telegram}`))).toBe('You have already voted in this category, and votes cannot be changed here.');
    expect((await telegram.waitForAnswer(telegram.press(telegramFans[2]!, ballotTelegram, `v:0:0:${ids.telegram}`))).text).toBe('You have already voted in this category, and votes cannot be changed here.');
    // Counts stay hidden until the vote closes (the reveal below shows the 6 ballots).
    expect((await telegramSays(telegramFans[0]!, '/status')).text).toContain('ballots: hidden until the vote closes');
  });

  it('reveals the same winner with the same counts, ballots from both included, on both platforms', async () => {
    expect((await telegramSays(telegramManager, '/reveal')).text).toContain('“The cult line”: vote → results');
    const isResults = (text: string) => text.startsWith('The results for “The cult line” are in!');
    const onTelegram = await telegram.waitForMessage(group, (m) => isResults(m.text));
    const onDiscord = await discordMessage((m) => isResults(m.content));
    const expected = { ballots: '6', winners: [`#${ids.telegram}: 4`] };
    expect(outcome(onTelegram.text)).toEqual(expected);
    expect(outcome(onDiscord.content)).toEqual(expected);
    // The author credited on both: the Telegram fan who proposed it.
    expect(onTelegram.text).toContain('A line from Telegram — Tina 1');
    expect(onDiscord.content).toContain('Tina 1');
    expect(await bot.stop()).toBe(0);
    expect(bot.log()).not.toMatch(/unexpected error|Unhandled error/);
  });
});
