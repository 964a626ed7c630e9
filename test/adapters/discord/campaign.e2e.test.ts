/**
 * End to end: the real `cocreate run` (a child process, configured by environment variables
 * only) drives the real discord.js against the local fake Discord, and a Crunch-like campaign
 * is played by 50 fans, a curator and managers. Every assertion is on what the fake received.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { barPosition, CHART_WIDTH } from '../../../src/render/chart';
import { FakeDiscord, finalAnswer, replyText, settled, waitFor, type FakeUser, type InteractionRecord, type PostedMessage } from './fake-discord';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'bin/cocreate.js');
const TOKEN = 'fake-bot-token.e2e';
const APP = '1300000000000000050';
const GUILD = '1300000000000000100';
const MAIN = '1300000000000000101';
const DENIED = '1300000000000000102';
const CURATOR_ROLE = '1300000000000000201';
const MANAGER_ROLE = '1300000000000000202';
const GADGET_PROPOSE_MS = 8_000;
const EVIL = '@everyone <@&123> [click](https://evil.example)';

const CAMPAIGN = `
id: crunch-e2e
title: "Super Social Movie — Crunch × Norman"
locale: fr
channels:
  discord:
    - { guild: "${GUILD}", channel: "${MAIN}" }
    - { guild: "${GUILD}", channel: "${DENIED}" }
roles:
  curators: { discord: ["${CURATOR_ROLE}"] }
  managers: { discord: ["${MANAGER_ROLE}"] }
schedule:
  propose: { start: "2013-02-18T09:00:00+01:00", duration: P5W }
  shortlist: { duration: P1W }
  vote: { duration: P2W }
  reveal: {}
proposals: { minLength: 3, maxLength: 280, perFan: 3 }
shortlist: { by: curators, size: 5 }
vote: { method: single, allowChange: false }
reveal: { winners: 1, tieBreak: earliest }
colors: { winner: "#00a86b" }
categories:
  - id: cult-line
    title: "La réplique culte"
    prompt: "Quelle réplique culte Norman doit-il prononcer dans le film ?"
    proposals: { minLength: 3, maxLength: 140, perFan: 3 }
  - id: final-location
    title: "Le lieu du final"
    vote: { method: single, allowChange: true }
    reveal: { winners: 1, tieBreak: earliest, mentionAuthors: true }
  - id: super-villain
    title: "Le super méchant"
    vote: { method: approval, maxChoices: 2, allowChange: false }
  - id: gadget
    title: "Le gadget"
    schedule:
      propose: { start: "2013-02-18T09:00:00+01:00", duration: PT${GADGET_PROPOSE_MS / 1000}S }
`;

const CATEGORIES = ['cult-line', 'final-location', 'super-villain'] as const;

const fans: FakeUser[] = Array.from({ length: 50 }, (_, i) => ({
  id: String(1300000000000001000n + BigInt(i)), username: `fan${i}`, ...(i === 3 ? { nick: 'Norman Fan 3' } : {}),
}));
const curator: FakeUser = { id: '1300000000000000900', username: 'norman', roles: [CURATOR_ROLE] };
const managers: FakeUser[] = [
  { id: '1300000000000000901', username: 'jwt-paris', roles: [MANAGER_ROLE] },
  { id: '1300000000000000902', username: 'crunch-cm', roles: [MANAGER_ROLE] },
];
const evilFan: FakeUser = { id: '1300000000000000950', username: 'mallory' };

let fake: FakeDiscord;
let child: ChildProcess | undefined;
let stderr = '';
let dir: string;
let startedAt = 0;

function env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: process.env.HOME,
    DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_BASE: fake.apiBase, COCREATE_DATA_DIR: join(dir, 'data'),
  };
}

async function answered(record: InteractionRecord): Promise<string> {
  await waitFor(() => settled(record), 10_000, `an answer to interaction ${JSON.stringify(record.payload.data).slice(0, 120)}`);
  return replyText(record);
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...await Promise.all(items.slice(i, i + width).map((item, j) => work(item, i + j))));
  return out;
}

function mainMessages(): PostedMessage[] {
  return fake.channelMessages(MAIN);
}

function ballotOf(categoryIndex: number): PostedMessage | undefined {
  return mainMessages().find((m) => m.components.some((row) => row.components.some((c: { custom_id?: string }) =>
    c.custom_id?.startsWith(`v:0:${categoryIndex}:`) || c.custom_id === `s:0:${categoryIndex}:0`)));
}

function idFromReply(text: string): string {
  const match = /#([0-9a-z]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no idea number in "${text}"`);
  return match[1];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cocreate-discord-e2e-'));
  fake = new FakeDiscord({
    token: TOKEN, applicationId: APP, channelRateLimit: { limit: 5, windowMs: 1_000 },
    guilds: [{
      id: GUILD, name: 'Crunch', denied: [DENIED],
      channels: [{ id: MAIN, name: 'super-social-movie' }, { id: DENIED, name: 'annonces' }],
      roles: [{ id: CURATOR_ROLE, name: 'curateurs' }, { id: MANAGER_ROLE, name: 'responsables' }],
    }],
  });
  await fake.start();
  const file = join(dir, 'crunch-e2e.yaml');
  writeFileSync(file, CAMPAIGN);

  const registered = await promisify(execFile)(process.execPath, [BIN, 'discord', 'register-commands', '--guild', GUILD], { cwd: dir, env: env() });
  expect(registered.stdout).toMatch(/registered 9 slash commands on server/);

  startedAt = Date.now();
  child = spawn(process.execPath, [BIN, 'run', '--from-now', file], { cwd: dir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout?.resume();
  await waitFor(() => fake.connected || child?.exitCode !== null, 20_000, 'the bot to connect');
  if (!fake.connected) throw new Error(`cocreate run exited: ${stderr}`);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((done) => { timer = setTimeout(done, 5_000); })]);
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
    if (process.env.COCREATE_TEST_VERBOSE) console.log(`cocreate run exited with ${child.exitCode}; its log:\n${stderr}`);
  }
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a Crunch-like campaign on Discord, end to end', () => {
  const proposals: Record<(typeof CATEGORIES)[number], { id: string; author: FakeUser; i: number }[]> = { 'cult-line': [], 'final-location': [], 'super-villain': [] };
  let evilId = '';

  it('registers localized slash commands on the server', () => {
    const put = fake.requests.find((r) => r.method === 'PUT' && r.path === `/api/v10/applications/${APP}/guilds/${GUILD}/commands`);
    expect(put?.status).toBe(200);
    const names = (put?.body as { name: string; name_localizations: Record<string, string> }[]).map((c) => `${c.name}/${c.name_localizations.fr}`);
    expect(names).toEqual(['propose/proposer', 'proposals/mes-idees', 'status/statut', 'shortlist/preselection', 'campaign/campagne',
      'mydata/mes-donnees', 'forgetme/oublie-moi', 'moderate/moderer', 'receipt/recu']);
  });

  it('identifies with the Guilds intent only and announces the open categories', async () => {
    expect(fake.identifies[0]?.intents).toBe(1);
    await waitFor(() => mainMessages().filter((m) => m.content.startsWith('Place aux idées')).length === 4, 10_000, 'four propose announcements');
  });

  it('offers the categories by autocomplete', async () => {
    const record = fake.autocomplete(fans[0]!, 'propose', { category: 'fin' }, 'category');
    await answered(record);
    expect(record.choices).toEqual([{ name: 'Le lieu du final', value: 'final-location' }]);
  });

  it('takes 50 fans’ ideas through modals, each acknowledged after the engine recorded it', async () => {
    const replies = await inBatches(fans, 10, async (fan, i) => {
      const category = CATEGORIES[i % 3]!;
      const opened = fake.slash(fan, 'propose');
      await answered(opened);
      expect(opened.callbacks[0]?.type).toBe(9); // the modal, as the first answer
      const select = opened.modal.components[0].component;
      const option = select.options.find((o: { label: string }) => o.label === { 'cult-line': 'La réplique culte', 'final-location': 'Le lieu du final', 'super-villain': 'Le super méchant' }[category]);
      const submitted = fake.submitModal(fan, opened, { category: [option.value], text: `Idée numéro ${i} de ${fan.username} pour ${category}` });
      const text = await answered(submitted);
      expect(submitted.callbacks[0]?.type).toBe(4); // the engine's answer itself, as it came in time (no deferral)
      expect(submitted.callbacks[0]?.data.flags).toBe(64);
      proposals[category].push({ id: idFromReply(text), author: fan, i });
      return text;
    });
    for (const list of Object.values(proposals)) list.sort((p, q) => p.i - q.i); // in fan order
    expect(replies.every((text) => text.startsWith('Merci '))).toBe(true);
    expect(new Set(Object.values(proposals).flat().map((p) => p.id)).size).toBe(50);
  });

  it('renders a hostile idea inert in the reply', async () => {
    const opened = fake.slash(evilFan, 'propose', { category: 'cult-line' });
    await answered(opened);
    expect(opened.modal.components).toHaveLength(1); // category chosen with the command: text only
    const submitted = fake.submitModal(evilFan, opened, { text: EVIL });
    const text = await answered(submitted);
    evilId = idFromReply(text);
    expect(text).not.toContain('@everyone');
    expect(text).not.toContain('](');
    expect(finalAnswer(submitted).allowed_mentions).toEqual({ parse: [] });
  });

  it('lets a fan edit an idea from /proposals while proposals are open', async () => {
    const fan = fans[0]!;
    const list = fake.slash(fan, 'proposals');
    await answered(list);
    const own = list.message!;
    const ownId = proposals['cult-line'][0]!.id;
    const opened = fake.click(fan, own, `e:0:${ownId}`);
    await answered(opened);
    expect(opened.callbacks[0]?.type).toBe(9);
    const text = await answered(fake.submitModal(fan, opened, { text: 'Idée numéro 0, revue et corrigée' }));
    expect(text).toContain(`#${ownId}`);
    expect(text).toContain('modifiée');
  });

  it('refuses /shortlist to a fan who is not a curator', async () => {
    const text = await answered(fake.slash(fans[5]!, 'shortlist add', { proposal: proposals['cult-line'][1]!.id }));
    expect(text).toBe('Tu n’as pas le droit de faire cela ici : c’est réservé aux curateurs ou aux responsables de la campagne.');
  });

  it('moves a category once when managers’ advances race each other and the scheduled transition', async () => {
    // Two managers advance "Le gadget" at the same moment, just before its proposals are due to
    // close; the scheduled transition then fires. Whatever the order, proposals close once.
    const identifiedAt = Number(fake.identifies[0]?.at ?? startedAt);
    const dueAt = identifiedAt + GADGET_PROPOSE_MS;
    await new Promise((done) => setTimeout(done, Math.max(0, dueAt - 700 - Date.now())));
    const racing = managers.map((m) => fake.slash(m, 'campaign advance', { category: 'gadget' }));
    const replies = await Promise.all(racing.map(answered));
    await new Promise((done) => setTimeout(done, Math.max(0, dueAt + 1_500 - Date.now()))); // the scheduler's turn, and the outbox's
    const closed = mainMessages().filter((m) => m.content.startsWith('Les propositions pour « Le gadget » sont closes'));
    expect(closed).toHaveLength(1);
    expect(mainMessages().filter((m) => m.content.startsWith('La présélection de « Le gadget »')).length).toBeLessThanOrEqual(1);
    for (const text of replies) expect(text).toMatch(/^(Phase suivante :\n« Le gadget » : (propositions → présélection|présélection → vote)|La phase a changé)/);
    // at most one of them moved it (none when the schedule was first), never twice
    expect(replies.filter((text) => text.includes('propositions → présélection')).length).toBeLessThanOrEqual(1);
  });

  it('lets a manager close the proposals and the curator shortlist with buttons and /shortlist', async () => {
    const advanced = await answered(fake.slash(managers[0]!, 'campaign advance'));
    expect(advanced).toContain('« La réplique culte » : propositions → présélection');

    const review = fake.slash(curator, 'shortlist review', { category: 'cult-line' });
    await answered(review);
    const picks = [proposals['cult-line'][1]!.id, proposals['cult-line'][2]!.id, evilId];
    for (const id of picks) {
      const text = await answered(fake.click(curator, review.message!, `sa:0:${id}`));
      expect(text).toBe(`L’idée #${id} entre dans la présélection.`);
    }
    for (const category of ['final-location', 'super-villain'] as const) {
      for (const { id } of proposals[category].slice(0, 3)) {
        expect(await answered(fake.slash(curator, 'shortlist add', { proposal: id }))).toBe(`L’idée #${id} entre dans la présélection.`);
      }
    }
    const opened = await answered(fake.slash(managers[1]!, 'campaign advance'));
    expect(opened).toContain('« La réplique culte » : présélection → vote');
  });

  it('posts one ballot per category, with the hostile idea inert', async () => {
    await waitFor(() => [0, 1, 2].every((i) => ballotOf(i) !== undefined), 15_000, 'the three ballots');
    const cult = ballotOf(0)!;
    const buttons = cult.components.flatMap((row) => row.components);
    // In the order of their numbers: ideas sent in the same batch are numbered as they arrive.
    const byNumber = (ids: string[]) => ids.sort((x, y) => Number.parseInt(x, 36) - Number.parseInt(y, 36));
    expect(buttons.map((b: { custom_id: string }) => b.custom_id)).toEqual(
      byNumber([proposals['cult-line'][1]!.id, proposals['cult-line'][2]!.id, evilId]).map((id) => `v:0:0:${id}`));
    expect(cult.allowedMentions).toEqual({ parse: [] });
    expect(cult.content).toContain('@\u200beveryone');
    expect(cult.content).not.toMatch(/@everyone|<@&|\]\(/);
    expect(cult.content).toContain('\\[click\\]\\(https:\u200b//evil.\u200bexample\\)'); // the URL inert too
    const approval = ballotOf(2)!.components[0].components[0];
    expect(approval).toMatchObject({ type: 3, custom_id: 's:0:2:0', min_values: 1, max_values: 2 });
  });

  it('counts component votes, refuses a second vote and a forged id, and lets a fan change where allowed', async () => {
    const cult = ballotOf(0)!;
    const [a, b, evil] = [proposals['cult-line'][1]!.id, proposals['cult-line'][2]!.id, evilId];
    // 30 votes for a, 15 for b, 5 for the hostile one
    const votes = await inBatches(fans, 10, async (fan, i) => {
      const choice = i < 30 ? a : i < 45 ? b : evil;
      const record = fake.click(fan, cult, `v:0:0:${choice}`);
      const text = await answered(record);
      expect(record.callbacks[0]).toMatchObject({ type: 4, data: { flags: 64 } });
      return text;
    });
    expect(votes.every((text) => text.startsWith('Ton vote dans « La réplique culte » est pris en compte'))).toBe(true);

    expect(await answered(fake.click(fans[1]!, cult, `v:0:0:${b}`))).toBe('Tu as déjà voté dans cette catégorie, et le vote ne peut pas être changé ici.');
    expect(await answered(fake.click(evilFan, cult, 'v:0:0:zzz', undefined, true))).toMatch(/^Tu ne peux voter que pour les idées présélectionnées/);
    expect(await answered(fake.click(evilFan, cult, 'v:7:0:1', undefined, true))).toBe('Aucune campagne ne se déroule ici.');
    expect(await answered(fake.click(evilFan, cult, 'v:0:0:1:2;DROP', undefined, true))).toMatch(/^Cette commande n’est pas valable/);

    const final = ballotOf(1)!;
    const [x, y] = [proposals['final-location'][0]!.id, proposals['final-location'][1]!.id];
    expect(await answered(fake.click(fans[7]!, final, `v:0:1:${x}`))).toMatch(/est pris en compte/);
    expect(await answered(fake.click(fans[7]!, final, `v:0:1:${y}`))).toMatch(/^Ton vote dans « Le lieu du final » est modifié/);

    const villain = ballotOf(2)!;
    const [p, q] = [proposals['super-villain'][0]!.id, proposals['super-villain'][1]!.id];
    expect(await answered(fake.click(fans[8]!, villain, 's:0:2:0', [p, q]))).toMatch(/^Ton vote dans « Le super méchant » est pris en compte/);
  });

  it('answers /receipt privately (ephemeral) with the fan\'s ballot and its hash', async () => {
    const record = fake.slash(fans[7]!, 'receipt', { category: 'final-location' });
    const text = await answered(record);
    expect(record.callbacks[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(text).toMatch(/^Tes reçus de vote \(toi seul les vois\) :\n« Le lieu du final » : « .+ »\nReçu : [0-9a-f]{64}\n/);
    expect(await answered(fake.slash(evilFan, 'receipt', { category: 'final-location' }))).toMatch(/^Tu n’as pas de bulletin ici/);
  });

  it('reveals the winners with their authors credited, on the campaign channel', async () => {
    const revealed = await answered(fake.slash(managers[0]!, 'campaign reveal'));
    expect(revealed).toContain('« La réplique culte » : vote → résultats');
    await waitFor(() => mainMessages().some((m) => m.content.startsWith('Les résultats de « La réplique culte »')), 15_000, 'the results');
    const results = mainMessages().find((m) => m.content.startsWith('Les résultats de « La réplique culte »'))!;
    const winner = proposals['cult-line'][1]!;
    expect(winner.author.username).toBe('fan3'); // i = 3 proposed in cult-line second
    expect(results.content).toContain(`🏆 #${winner.id}`);
    expect(results.content).toContain('Norman Fan 3'); // the author's display name (nickname)
    expect(results.content).toContain('voix : 30');
    expect(results.allowedMentions).toEqual({ parse: [] });
    // The results picture is attached to the announcement (one multipart request), the winner's
    // bar in the campaign file's winner colour.
    expect(results.attachments.map((a) => [a.filename, a.contentType])).toEqual([['crunch-e2e-cult-line.png', 'image/png']]);
    const image = PNG.sync.read(results.attachments[0]!.data);
    expect(image.width).toBe(CHART_WIDTH);
    const bar = barPosition(0);
    const i = (image.width * (bar.y + 10) + bar.x + 5) << 2;
    expect([image.data[i], image.data[i + 1], image.data[i + 2]]).toEqual([0x00, 0xa8, 0x6b]);

    expect(results.content).not.toContain('<@');

    // final-location opts into mentioning its winning author: a real user mention, that user only.
    const where = (m: PostedMessage): boolean => m.content.startsWith('Les résultats de « Le lieu du final »');
    await waitFor(() => mainMessages().some(where), 15_000, 'the results of final-location');
    const mentioned = mainMessages().find(where)!;
    const author = proposals['final-location'][1]!.author; // fans[7] changed its vote to this one
    expect(mentioned.content).toContain(`<@${author.id}>`);
    expect(mentioned.allowedMentions).toEqual({ parse: [], users: [author.id] });
  });

  it('sends the manager’s export privately: a CSV that parses back with its accents, and JSON', async () => {
    expect(await answered(fake.slash(managers[0]!, 'campaign export'))).toContain('Super Social Movie');
    const upload = fake.requests.filter((r) => r.files.some((f) => f.endsWith('.csv')));
    expect(upload).toHaveLength(1);
    expect(upload[0]!.files.map((f) => f.replace(/\d{4}-\d\d-\d\d/, 'DATE'))).toEqual(['crunch-e2e-DATE.csv', 'crunch-e2e-DATE.json']);
    const csv = upload[0]!.uploads.find((u) => u.filename.endsWith('.csv'))!.data.toString('utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.some((r) => r['category_title'] === 'La réplique culte')).toBe(true);
    expect(rows.find((r) => r['category'] === 'cult-line' && r['winner_rank'] === '1')?.['author']).toBe('Norman Fan 3');
    // A fan's text that starts like a formula is neutralised.
    expect(rows.every((r) => !/^[=+\-@]/.test(r['text'] ?? ''))).toBe(true);
    expect(rows.some((r) => r['text']?.startsWith(`'@everyone`))).toBe(true);
    const fanTry = await answered(fake.slash(fans[0]!, 'campaign export'));
    expect(fanTry).toMatch(/réservé/);
  });

  it('logs a missing permission once and warns the managers', async () => {
    const lines = stderr.split('\n').filter((line) => line.includes(`cannot post in channel ${GUILD}/${DENIED}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('50013');
    const status = await answered(fake.slash(managers[0]!, 'status'));
    expect(status).toContain(`⚠️ Le bot ne peut pas publier dans <#${DENIED}>`);
    const fanStatus = await answered(fake.slash(fans[9]!, 'status'));
    expect(fanStatus).not.toContain('⚠️');
  });

  it('stayed within every Discord limit, once per announcement, and never asked to ping', () => {
    const rejected = fake.requests.filter((r) => r.status === 400 || r.status === 404 || r.status === 401);
    expect(rejected.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.answer)}`)).toEqual([]);
    expect(fake.rateLimited).toBeGreaterThan(0); // the fake's 5 per second per channel was hit…
    const contents = mainMessages().map((m) => m.content);
    expect(new Set(contents).size).toBe(contents.length); // …and nothing was posted twice
    for (const m of mainMessages()) {
      // Only the opted-in reveal may ping, and only its winning author (asserted above).
      if (m.content.startsWith('Les résultats de « Le lieu du final »')) expect(m.allowedMentions.parse).toEqual([]);
      else expect(m.allowedMentions).toEqual({ parse: [] });
    }
    for (const r of fake.interactions.values()) {
      for (const edit of r.edits) expect(edit.allowed_mentions).toEqual({ parse: [] });
      for (const c of r.callbacks) if (c.type === 4 || c.type === 7) expect(c.data.allowed_mentions).toEqual({ parse: [] });
    }
    expect(stderr).not.toMatch(/unexpected error|failed:/);
  });
});
