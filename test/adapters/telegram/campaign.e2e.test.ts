/**
 * A whole campaign played on Telegram: the real `cocreate run` (child process, configured by
 * environment variables only) against the local fake Bot API. Every assertion is on what the
 * fake recorded, i.e. on what Telegram users would have seen.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { barPosition, CHART_WIDTH } from '../../../src/render/chart';
import { FakeBotApi, type BotMessage, type FakeChat, type FakeUser } from './fake-bot-api';
import { startCocreate, writeCampaign, type CocreateProcess } from '../../helpers/cocreate-process';

jest.setTimeout(60_000);

const GROUP = -1001234567890;
const HOSTILE = '<b>gras</b> & </code> \u202Eelbisivni @username';

const campaign = {
  id: 'tg-e2e',
  title: 'Film & Fans <Telegram>',
  locale: 'en',
  channels: { telegram: [{ chat: String(GROUP) }] },
  roles: { curators: { telegram: ['2002'] }, managers: { telegram: ['2003'] } },
  schedule: {
    propose: { start: '2030-01-01T00:00:00Z', duration: 'P1D' },
    shortlist: { duration: 'P1D' },
    vote: { duration: 'P1D' },
    reveal: {},
  },
  proposals: { minLength: 3, maxLength: 280, perFan: 3 },
  shortlist: { by: 'curators', size: 5 },
  vote: { method: 'single', allowChange: false },
  reveal: { winners: 1, tieBreak: 'earliest' },
  categories: [
    { id: 'cult-line', title: 'The cult line', prompt: 'Which line must the hero say?' },
    { id: 'villain', title: 'The villain', vote: { method: 'approval', maxChoices: 2, allowChange: false } },
  ],
};

let fake: FakeBotApi;
let bot: CocreateProcess;
let dataDir: string;
let group: FakeChat;
/** Alice's receipts (fan hashes), to find in the manifest after the reveal. */
let receipts: string[] = [];
/** The digest the bot announced in the group at the reveal of “The cult line”. */
let announcedDigest = '';
let alice: FakeUser, bob: FakeUser, carol: FakeUser, dave: FakeUser, norman: FakeUser, mia: FakeUser;
const started = Date.now();

/** The bot's reply to a user's message. */
function replyTo(message: Record<string, unknown>, timeoutMs?: number): Promise<BotMessage> {
  return fake.waitForMessage(group, (m) => m.replyTo === message.message_id, timeoutMs);
}

/** Sends a command or text in the group and waits for the bot's reply to it. */
async function say(user: FakeUser, text: string, replyToBot?: BotMessage): Promise<BotMessage> {
  return replyTo(fake.say(user, group, text, replyToBot ? { replyTo: replyToBot } : {}));
}

function button(message: BotMessage, match: (data: string, text: string) => boolean): { text: string; data: string } {
  for (const row of message.keyboard) {
    for (const b of row) if (b.callback_data !== undefined && match(b.callback_data, b.text)) return { text: b.text, data: b.callback_data };
  }
  throw new Error(`no such button in ${JSON.stringify(message.keyboard)}`);
}

async function press(user: FakeUser, message: BotMessage, data: string) {
  return fake.waitForAnswer(fake.press(user, message, data));
}

/** Sends in the group the `/propose` dialogue: command, category button, then the text as a reply. */
async function proposeByKeyboard(user: FakeUser, categoryTitle: string, text: string): Promise<BotMessage> {
  const picker = await say(user, '/propose');
  expect(picker.text).toBe('Which category is your idea for?');
  const choice = button(picker, (_data, label) => label === categoryTitle);
  const answer = await press(user, picker, choice.data);
  expect(answer.text).toBe(`Now send your idea for “${categoryTitle}”.`);
  const prompt = await fake.waitForMessage(group, (m) => m.text.includes(`send your idea for “${categoryTitle}”`) && m.source.includes(`tg://user?id=${user.id}`));
  return say(user, text, prompt);
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
  alice = fake.user(1001, 'Alice');
  bob = fake.user(1002, '<i>Bob</i> & Co', { username: 'bob' });
  carol = fake.user(1003, 'Carol');
  dave = fake.user(1004, 'Dave');
  norman = fake.user(2002, 'Norman');
  mia = fake.user(2003, 'Mia');
  group = fake.group(GROUP, 'Fans');
  fake.privateChat(mia);
  fake.privateChat(alice);
  const written = writeCampaign(campaign);
  dataDir = join(written.dir, 'data');
  bot = startCocreate(written.file, written.dir, {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    COCREATE_DATA_DIR: dataDir,
  });
  // The campaign opens at once (--from-now): its announcement is the sign that the bot runs.
  await fake.waitForMessage(group, (m) => m.text.startsWith('Ideas wanted for “The cult line”'), 30_000)
    .catch((error: Error) => { throw new Error(`${error.message}\n--- cocreate log:\n${bot.log()}`); });
});

afterAll(async () => {
  const code = await bot?.stop();
  await fake?.close();
  expect(code).toBe(0);
});

describe('cocreate on Telegram, end to end', () => {
  it('checks its token, registers its commands in French and English, and starts long polling', async () => {
    const commands = fake.calls.filter((c) => c.method === 'setMyCommands' && c.ok);
    expect(commands.map((c) => (c.params.language_code as string | undefined) ?? 'default').sort()).toEqual(['default', 'en', 'fr']);
    const en = commands.find((c) => c.params.language_code === 'en')!.params.commands as { command: string; description: string }[];
    const fr = commands.find((c) => c.params.language_code === 'fr')!.params.commands as { command: string; description: string }[];
    expect(en.map((c) => c.command)).toEqual(['propose', 'mine', 'status', 'shortlist', 'advance', 'pause', 'resume', 'extend', 'reveal', 'export', 'help',
      'mydata', 'forgetme', 'ban', 'unban', 'bans', 'fan', 'receipt']);
    expect(fr.find((c) => c.command === 'propose')!.description).toBe('Proposer une idée');
    expect(fake.calls.filter((c) => c.method === 'getMe' || c.method === 'deleteWebhook').map((c) => c.method)).toEqual(['getMe', 'deleteWebhook']);
  });

  it('takes proposals from an inline keyboard and a reply, from a named category, and renders hostile text inert', async () => {
    const first = await proposeByKeyboard(alice, 'The cult line', 'I am your father');
    expect(first.text).toBe('Thanks Alice! Your idea #1 is recorded in “The cult line”: I am your father');

    // The text as an argument, the category from the keyboard.
    const picker = await say(bob, `/propose ${HOSTILE}`);
    const pressed = await press(bob, picker, button(picker, (_d, label) => label === 'The cult line').data);
    expect(pressed.show_alert).toBe(false);
    const hostile = await fake.waitForMessage(group, (m) => m.replyTo === picker.replyTo && m.message_id !== picker.message_id);
    expect(hostile.text).toBe('Thanks <i>Bob</i> & Co! Your idea #2 is recorded in “The cult line”: <b>gras</b> & </code> elbisivni @\u200busername');
    expect(hostile.entities).toEqual([]);
    expect(hostile.source).toContain('&lt;b&gt;gras&lt;/b&gt; &amp; &lt;/code&gt;');
    expect(hostile.text).not.toContain('\u202E');

    // `/propose CATEGORY text` skips the keyboard.
    expect((await say(carol, '/propose cult-line A giant taco')).text).toContain('Your idea #3 is recorded in “The cult line”');
    expect((await say(alice, '/propose villain Doctor Evil')).text).toContain('#4');
    expect((await say(carol, '/propose villain The tax office')).text).toContain('#5');
    // A refusal from the engine, localized.
    expect((await say(dave, '/propose cult-line no')).text).toBe('Your idea is too short: 3 characters at least.');
  });

  it('lets a fan edit and withdraw their ideas from /mine', async () => {
    const extra = await say(dave, '/propose villain A mime');
    expect(extra.text).toContain('#6');
    const mine = await say(dave, '/mine');
    expect(mine.text).toContain('Your ideas in “The villain”');
    const edit = await press(dave, mine, button(mine, (data) => data === 'e:0:6').data);
    expect(edit.text).toBe('Now send the new text of idea #6.');
    const prompt = await fake.waitForMessage(group, (m) => m.text.includes('send the new text of your idea #6'));
    expect((await say(dave, 'A silent mime', prompt)).text).toBe('Your idea #6 is updated: A silent mime');
    // Someone else's idea: the engine refuses, and the press is answered with the refusal.
    const foreign = await press(alice, mine, button(mine, (data) => data === 'w:0:6').data);
    expect(foreign).toEqual({ text: 'This idea is not yours: only its author can edit or withdraw it.', show_alert: true });
    expect(await press(dave, mine, 'w:0:6')).toEqual({ text: 'Your idea #6 is withdrawn.', show_alert: false });
  });

  it('lets the curator shortlist with buttons once a manager moved on, and nobody else', async () => {
    expect((await say(alice, '/advance')).text).toBe('You are not allowed to do that here: it is reserved for the campaign’s curators or managers.');
    // A 429 on the next announcement: the outbox waits and delivers it anyway.
    fake.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retry_after: 1 });
    const advanced = await say(mia, '/advance');
    expect(advanced.text).toContain('“The cult line”: proposals → shortlist');
    await fake.waitForMessage(group, (m) => m.text.startsWith('Proposals for “The cult line” are closed'));
    await fake.waitForMessage(group, (m) => m.text.startsWith('Proposals for “The villain” are closed'));
    expect(fake.calls.some((c) => c.method === 'sendMessage' && c.error_code === 429)).toBe(true);

    expect((await say(alice, '/shortlist add 1')).text).toBe('You are not allowed to do that here: it is reserved for the campaign’s curators or managers.');
    fake.say(norman, group, '/shortlist');
    const panel = await fake.waitForMessage(group, (m) => m.text.startsWith('Shortlist of “The cult line”') && m.keyboard.length > 0);
    const villains = await fake.waitForMessage(group, (m) => m.text.startsWith('Shortlist of “The villain”') && m.keyboard.length > 0);
    expect(panel.keyboard.flat().map((b) => b.text)).toEqual(['➕ #1 I am your father', '➕ #2 <b>gras</b> & </code> elbisivni @userna…', '➕ #3 A giant taco']);
    for (const id of ['1', '2', '3']) {
      expect(await press(norman, panel, `sa:0:${id}`)).toEqual({ text: `Idea #${id} is now on the shortlist.`, show_alert: false });
    }
    await fake.waitUntil(() => (panel.keyboard.flat().every((b) => b.text.startsWith('➖')) ? true : undefined), 'the panel updated');
    for (const id of ['4', '5']) await press(norman, villains, `sa:0:${id}`);
    expect(await press(norman, villains, 'sa:0:6')).toEqual({ text: 'This idea is no longer active (withdrawn, rejected or in review), so that is not possible.', show_alert: true });
  });

  it('opens the vote with one ballot per category, each button within 64 bytes', async () => {
    await say(mia, '/advance');
    const ballot = await fake.waitForMessage(group, (m) => m.text.startsWith('The shortlist for “The cult line” is out!'));
    expect(ballot.text).toContain('#2 · <b>gras</b> & </code> elbisivni @\u200busername — <i>Bob</i> & Co');
    expect(ballot.entities).toEqual([]);
    expect(ballot.text).toContain('Press the idea you vote for (one vote per person).');
    expect(ballot.keyboard.map((row) => row.map((b) => b.callback_data))).toEqual([['v:0:0:1'], ['v:0:0:2'], ['v:0:0:3']]);
    const approval = await fake.waitForMessage(group, (m) => m.text.startsWith('The shortlist for “The villain” is out!'));
    expect(approval.text).toContain('Press up to 2 ideas, one after the other, then ✅ Vote.');
    expect(approval.keyboard.map((row) => row.map((b) => b.callback_data))).toEqual([['v:0:1:4'], ['v:0:1:5'], ['vd:0:1', 'vr:0:1']]);
    const sent = fake.calls.filter((c) => c.method === 'sendMessage' && c.ok);
    for (const call of sent) {
      const rows = ((call.params.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? []);
      for (const b of rows.flat()) expect(Buffer.byteLength(b.callback_data ?? '', 'utf8')).toBeLessThanOrEqual(64);
      expect(call.params.parse_mode).toBe('HTML');
    }
  });

  it('counts votes by button, refuses a double vote and forged buttons, and answers every press', async () => {
    const ballot = fake.messagesIn(group).find((m) => m.text.startsWith('The shortlist for “The cult line” is out!'))!;
    expect(await press(alice, ballot, 'v:0:0:1')).toEqual({ text: 'Your vote in “The cult line” is counted: “I am your father”. Thank you!', show_alert: false });
    expect(await press(alice, ballot, 'v:0:0:2')).toEqual({ text: 'You have already voted in this category, and votes cannot be changed here.', show_alert: true });
    expect((await press(bob, ballot, 'v:0:0:1')).show_alert).toBe(false);
    expect((await press(carol, ballot, 'v:0:0:3')).show_alert).toBe(false);
    // Forged presses: a proposal that is not on the shortlist, an unknown one, garbage, another campaign.
    expect(await press(dave, ballot, 'v:0:0:6')).toEqual({ text: 'You can only vote for shortlisted ideas: check their numbers on the shortlist and try again.', show_alert: true });
    expect((await press(dave, ballot, 'v:0:0:zzz')).show_alert).toBe(true);
    expect(await press(dave, ballot, 'v:0:0:1:extra')).toEqual({ text: 'That command is not valid. Type /help to see how to use it.', show_alert: true });
    expect((await press(dave, ballot, 'v:7:0:1')).text).toBe('That command is not valid. Type /help to see how to use it.');

    const approval = fake.messagesIn(group).find((m) => m.text.startsWith('The shortlist for “The villain” is out!'))!;
    expect(await press(alice, approval, 'vd:0:1')).toEqual({ text: 'Press one or more ideas first, then ✅ Vote.', show_alert: true });
    expect((await press(alice, approval, 'v:0:1:4')).text).toBe('Your choice so far: #4. Press ✅ Vote to send it.');
    expect((await press(alice, approval, 'v:0:1:5')).text).toBe('Your choice so far: #4, #5. Press ✅ Vote to send it.');
    expect(await press(alice, approval, 'vd:0:1')).toEqual({ text: 'Your vote in “The villain” is counted: “Doctor Evil”, “The tax office”. Thank you!', show_alert: false });
    await press(bob, approval, 'v:0:1:5');
    expect((await press(bob, approval, 'vd:0:1')).show_alert).toBe(false);

    // Every press got exactly one answer.
    const presses = fake.calls.filter((c) => c.method === 'answerCallbackQuery');
    expect(presses.every((c) => c.ok)).toBe(true);
    expect(fake.answers.size).toBe(presses.length);
    // Results are hidden until the vote closes: no count in the status.
    const status = await say(dave, '/status');
    expect(status.text).toContain('“The cult line”: vote until');
    expect(status.text).toContain('ballots: hidden until the vote closes');
    expect(status.text).not.toMatch(/ballots: \d/);
  });

  it('sends a fan the receipt of their ballot privately, never in the group', async () => {
    expect((await say(alice, '/receipt')).text).toBe('I sent you your receipt in a private chat.');
    const dm = await fake.waitForMessage(fake.privateChat(alice), (m) => m.text.includes('Receipt:'));
    expect(dm.text).toContain('“The cult line”: “I am your father”');
    expect(dm.text).toContain('“The villain”: “Doctor Evil”, “The tax office”');
    const hashes = dm.text.match(/[0-9a-f]{64}/g) ?? [];
    expect(hashes).toHaveLength(2);
    receipts = hashes;
    for (const hash of hashes) expect(fake.messagesIn(group).some((m) => m.text.includes(hash))).toBe(false);
    // A fan without a ballot is told so; one the bot cannot write to privately is told how to fix it.
    expect((await say(dave, '/receipt')).text).toBe('You have no ballot here, so there is no receipt to give. Vote first, then ask again.');
    expect((await say(carol, '/receipt')).text).toBe('I cannot write to you privately: open a chat with me, press Start, then try again.');
  });

  it('reveals the winners with their authors credited, and exports to a manager privately', async () => {
    expect((await say(bob, '/reveal')).text).toBe('You are not allowed to do that here: it is reserved for the campaign’s curators or managers.');
    await say(mia, '/reveal');
    const results = await fake.waitForMessage(group, (m) => m.text.startsWith('The results for “The cult line” are in!'));
    expect(results.text).toBe('The results for “The cult line” are in! Ballots: 3\n🏆 #1 · I am your father — Alice — votes: 2');
    // The ballots are hashed off the reveal's path, then their digest is published.
    const sealed = await fake.waitForMessage(group, (m) => m.text.startsWith('Ballots of “The cult line” sealed: 3.'));
    expect(sealed.text).toMatch(/^Ballots of “The cult line” sealed: 3\. Ballots digest \(see the results manifest\): [0-9a-f]{64}$/);
    announcedDigest = sealed.text.slice(-64);
    const villain = await fake.waitForMessage(group, (m) => m.text.startsWith('The results for “The villain” are in!'));
    expect(villain.text).toBe('The results for “The villain” are in! Ballots: 2\n🏆 #5 · The tax office — Carol — votes: 2');
    // The results picture follows as a photo (multipart upload), the winner's bar in the campaign's winner colour.
    const photo = await fake.waitForMessage(group, (m) => m.photo?.filename === 'tg-e2e-cult-line.png');
    expect(photo.text).toBe('Results — The cult line');
    const image = PNG.sync.read(photo.photo!.bytes);
    expect(image.width).toBe(CHART_WIDTH);
    const bar = barPosition(0);
    const i = (image.width * (bar.y + 10) + bar.x + 5) << 2;
    expect([image.data[i], image.data[i + 1], image.data[i + 2]]).toEqual([0xe4, 0x00, 0x2b]);

    expect((await say(alice, '/export')).text).toBe('You are not allowed to do that here: it is reserved for the campaign’s curators or managers.');
    expect((await say(mia, '/export')).text).toBe('I sent you the export in a private chat.');
    const files = fake.messagesIn(fake.privateChat(mia)).filter((m) => m.document);
    expect(files.map((m) => m.document!.filename.replace(/\d{4}-\d\d-\d\d/, 'DATE'))).toEqual(['tg-e2e-DATE.csv', 'tg-e2e-DATE.json']);
    const rows = parse(files[0]!.document!.content, { bom: true, columns: true }) as Record<string, string>[];
    const cultLine = rows.filter((r) => r['category'] === 'cult-line');
    expect(cultLine.map((r) => r['author'])).toEqual(['Alice', '<i>Bob</i> & Co', 'Carol']);
    expect(cultLine.find((r) => r['winner_rank'] === '1')).toMatchObject({ id: '1', votes: '2', ballots: '3' });
    const exported = JSON.parse(files[1]!.document!.content) as { campaign: string; categories: { id: string; entries: { author: string; winnerRank: number | null }[] }[] };
    expect(exported.campaign).toBe('tg-e2e');
    expect(exported.categories[0]!.entries.map((e) => e.author)).toEqual(['Alice', '<i>Bob</i> & Co', 'Carol']);
  });

  it('never sent a message Telegram would refuse, and stops cleanly, saving the campaign', async () => {
    // Carol's receipt could not be sent by DM (she never opened a chat with the bot): expected.
    const refused = fake.calls.filter((c) => !c.ok && c.error_code !== 429 && !(c.method === 'sendMessage' && String(c.params.chat_id) === String(carol.id)));
    expect(refused).toEqual([]);
    // Long polling held open: every poll waits up to 50 s, and a whole campaign took a few of
    // them (one per batch of updates), not a busy loop.
    const polls = fake.calls.filter((c) => c.method === 'getUpdates');
    expect(polls.filter((c) => c.params.timeout !== undefined).every((c) => c.params.timeout === 50)).toBe(true);
    const updates = polls.reduce((n, c) => n + (c.result as unknown[]).length, 0);
    expect(polls.length).toBeLessThanOrEqual(updates + 2);
    expect(await bot.stop()).toBe(0);
    const saved = JSON.parse(readFileSync(join(dataDir, 'tg-e2e.json'), 'utf8')) as unknown;
    expect(JSON.stringify(saved)).toContain('I am your father');
    expect(bot.log()).not.toMatch(/unexpected error|Unhandled error/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('publishes a manifest that lists the fan\'s receipts and verifies, and an audit log of the managers\' actions', () => {
    const cli = (...args: string[]) => execFileSync(process.execPath, [join(__dirname, '../../../bin/cocreate.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir, COCREATE_DATA_DIR: dataDir }, encoding: 'utf8',
    });
    const manifestFile = join(dataDir, 'manifest.json');
    writeFileSync(manifestFile, cli('results', 'tg-e2e', '--format', 'manifest'));
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { categories: { id: string; ballotList: [string, string[]][] }[] };
    const listed = manifest.categories.flatMap((c) => c.ballotList.map(([hash]) => hash));
    expect(receipts).toHaveLength(2);
    for (const hash of receipts) expect(listed).toContain(hash);
    expect(manifest.categories.find((c) => c.id === 'cult-line')!.ballotList).toContainEqual([receipts[0], ['1']]);
    // The manifest is the one announced in the group at the reveal.
    expect((manifest.categories.find((c) => c.id === 'cult-line') as unknown as { ballotsDigest: string }).ballotsDigest).toBe(announcedDigest);
    expect(cli('verify', manifestFile)).toBe('cult-line: 3 ballots, ok\nvillain: 2 ballots, ok\n');
    const audit = cli('audit', 'tg-e2e');
    expect(audit).toMatch(/telegram:2003 \("Mia"\)  advance  cult-line  \{"phase":"propose"/);
    expect(audit).toMatch(/telegram:2003 \("Mia"\)  export$/m);
    expect(audit).toMatch(/telegram:2002 \("Norman"\)  shortlist\.add  villain #4  \{"status":"active","shortlisted":false\} -> \{"status":"active","shortlisted":true\}/);
  });
});
