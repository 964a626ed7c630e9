/**
 * End to end, trust and fairness, on Telegram: the real `cocreate run` against the local fake Bot API. A
 * fan who proposes faster than the campaign allows is told how long to wait; a curator bans a
 * fan by replying to their message; /mydata arrives as a JSON file in a private chat; /forgetme
 * asks for confirmation, then erases the fan.
 */
import { join } from 'node:path';
import { FakeBotApi, type BotMessage, type FakeChat, type FakeUser } from './fake-bot-api';
import { startCocreate, writeCampaign, type CocreateProcess } from '../../helpers/cocreate-process';

jest.setTimeout(60_000);

const GROUP = -1001234567999;

const campaign = {
  id: 'tg-trust',
  title: 'Trust on Telegram',
  locale: 'en',
  channels: { telegram: [{ chat: String(GROUP) }] },
  roles: { curators: { telegram: ['2002'] } },
  schedule: { propose: { start: '2030-01-01T00:00:00Z', duration: 'P1D' }, vote: { duration: 'P1D' } },
  shortlist: { by: 'likes', size: 3 },
  limits: { proposals: { max: 1, per: 'PT1H' } },
  categories: [{ id: 'cult-line', title: 'The cult line' }],
};

let fake: FakeBotApi;
let bot: CocreateProcess;
let group: FakeChat;
let alice: FakeUser, spammer: FakeUser, norman: FakeUser;

function say(user: FakeUser, text: string, options: { replyTo?: BotMessage; replyToUser?: Record<string, unknown> } = {}): Promise<BotMessage> {
  const sent = fake.say(user, group, text, options);
  return fake.waitForMessage(group, (m) => m.replyTo === sent.message_id);
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
  alice = fake.user(1001, 'Alice');
  spammer = fake.user(1666, 'Spammer');
  norman = fake.user(2002, 'Norman');
  group = fake.group(GROUP, 'Fans');
  fake.privateChat(alice);
  const written = writeCampaign(campaign);
  bot = startCocreate(written.file, written.dir, { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, COCREATE_DATA_DIR: join(written.dir, 'data') });
  await fake.waitForMessage(group, (m) => m.text.startsWith('Ideas wanted for “The cult line”'), 30_000)
    .catch((error: Error) => { throw new Error(`${error.message}\n--- cocreate log:\n${bot.log()}`); });
});

afterAll(async () => {
  const code = await bot?.stop();
  await fake?.close();
  expect(code).toBe(0);
});

describe('trust and fairness on Telegram, end to end', () => {
  it('refuses a flood of proposals, telling how long to wait', async () => {
    expect((await say(alice, '/propose cult-line I am your father')).text).toMatch(/^Thanks Alice! Your idea #1 is recorded/);
    expect((await say(alice, '/propose cult-line Luke, I am your father')).text)
      .toMatch(/^Easy there! You did that too often in a short time\. Try again in (59 min|1 h)\.$/);
  });

  it('lets a curator ban a fan by replying to their message', async () => {
    const spam = fake.say(spammer, group, 'buy my stuff');
    expect((await say(norman, '/ban flooding the group', { replyToUser: spam })).text).toBe('telegram:1666 is banned from “Trust on Telegram”.');
    expect((await say(spammer, '/propose cult-line buy my stuff')).text).toMatch(/^You cannot take part in this campaign: a curator has excluded you/);
    expect((await say(alice, '/ban 1001')).text).toMatch(/reserved for the campaign’s curators/);
    expect((await say(norman, '/bans')).text).toBe('Banned fans: 1\n• telegram:1666 — flooding the group');
  });

  it('sends /mydata privately as JSON, and erases a fan only after confirmation', async () => {
    expect((await say(alice, '/mydata')).text).toBe('I sent you your data in a private message.');
    const privateChat = fake.privateChat(alice);
    const doc = await fake.waitForMessage(privateChat, (m) => m.document !== undefined);
    expect(doc.document!.filename).toBe('tg-trust-telegram-1001.json');
    expect(JSON.parse(doc.document!.content)).toMatchObject({ fan: 'telegram:1001', proposals: [{ id: '1', text: 'I am your father', authorName: 'Alice' }] });
    expect(doc.text).toMatch(/^Everything “Trust on Telegram” holds about you: 1 idea, 0 likes, 0 ballots/);
    expect((await say(alice, '/forgetme')).text).toMatch(/It cannot be undone\. To go on: \/forgetme confirm$/);
    expect((await say(alice, '/forgetme confirm')).text).toBe('Done: “Trust on Telegram” no longer knows you. Ballots withdrawn: 0; kept anonymously in closed votes: 0. Ideas now anonymous: 1.');
  });
});
