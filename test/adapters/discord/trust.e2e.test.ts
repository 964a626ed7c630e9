/**
 * End to end, trust and fairness, on Discord: the real `cocreate run` drives discord.js against the local
 * fake. A campaign with an account-age rule refuses a fan whose account (read from the
 * snowflake of their id) is too recent, with the wait, in French; a curator bans a fan; a fan
 * gets their data as a JSON attachment in a reply only they see, then erases themself.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FakeDiscord, finalAnswer, replyText, settled, waitFor, type FakeUser, type InteractionRecord } from './fake-discord';
import { startCocreate, type CocreateProcess } from '../../helpers/cocreate-process';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'bin/cocreate.js');
const TOKEN = 'fake-bot-token.trust';
const APP = '1300000000000000050';
const GUILD = '1300000000000000100';
const MAIN = '1300000000000000101';
const CURATOR_ROLE = '1300000000000000201';
const DAY = 86_400_000;
const DISCORD_EPOCH = 1_420_070_400_000n;

/** A user id whose snowflake says the account was created at `ms`. */
function snowflakeAt(ms: number, n: number): string {
  return String(((BigInt(ms) - DISCORD_EPOCH) << 22n) + BigInt(n));
}

const CAMPAIGN = `
id: trust-e2e
title: "Confiance"
locale: fr
channels:
  discord: [{ guild: "${GUILD}", channel: "${MAIN}" }]
roles:
  curators: { discord: ["${CURATOR_ROLE}"] }
schedule:
  propose: { start: "2030-01-01T00:00:00Z", duration: P5W }
  vote: { duration: P2W }
shortlist: { by: likes, size: 3 }
eligibility:
  propose: { minAccountAge: P30D }
categories:
  - { id: cult-line, title: "La réplique culte" }
`;

const newcomer: FakeUser = { id: snowflakeAt(Date.now() - 10 * DAY, 1), username: 'newbie' };
const veteran: FakeUser = { id: snowflakeAt(Date.now() - 400 * DAY, 2), username: 'veteran' };
const spammer: FakeUser = { id: snowflakeAt(Date.now() - 400 * DAY, 3), username: 'spammer' };
const curator: FakeUser = { id: snowflakeAt(Date.now() - 900 * DAY, 4), username: 'norman', roles: [CURATOR_ROLE] };

let fake: FakeDiscord;
let bot: CocreateProcess | undefined;
let dir: string;

function env(): Record<string, string> {
  return { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_BASE: fake.apiBase, COCREATE_DATA_DIR: join(dir, 'data') };
}

async function answered(record: InteractionRecord): Promise<string> {
  await waitFor(() => settled(record), 10_000, `an answer to ${JSON.stringify(record.payload.data).slice(0, 120)}`);
  return replyText(record);
}

async function propose(fan: FakeUser, text: string): Promise<string> {
  const opened = fake.slash(fan, 'propose');
  await answered(opened);
  // One category takes ideas: the modal asks only for the text.
  const submitted = fake.submitModal(fan, opened, { text });
  return answered(submitted);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cocreate-discord-trust-'));
  fake = new FakeDiscord({
    token: TOKEN, applicationId: APP,
    guilds: [{ id: GUILD, name: 'Crunch', channels: [{ id: MAIN, name: 'super-social-movie' }], roles: [{ id: CURATOR_ROLE, name: 'curateurs' }] }],
  });
  await fake.start();
  const file = join(dir, 'trust-e2e.yaml');
  writeFileSync(file, CAMPAIGN);
  await promisify(execFile)(process.execPath, [BIN, 'discord', 'register-commands', '--guild', GUILD], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env() } });
  const started = startCocreate(file, dir, env());
  bot = started;
  await waitFor(() => fake.connected || started.child.exitCode !== null, 20_000, 'the bot to connect');
  if (!fake.connected) throw new Error(`cocreate run exited: ${started.log()}`);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('trust and fairness on Discord, end to end', () => {
  it('refuses an account younger than the campaign asks, telling how long to wait, and takes an older one', async () => {
    await waitFor(() => fake.channelMessages(MAIN).some((m) => m.content.startsWith('Place aux idées')), 10_000, 'the propose announcement');
    expect(await propose(newcomer, 'Une idée de nouveau venu')).toMatch(/^Ton compte est trop récent pour participer à cette phase\. Reviens dans (19 jours 23 h|20 jours) !$/);
    expect(await propose(veteran, 'Une idée de vétéran')).toMatch(/^Merci veteran ! Ton idée #\w+ est enregistrée/);
  });

  it('lets a curator ban a fan, who is then refused; only curators may', async () => {
    expect(await answered(fake.slash(spammer, 'moderate ban', { fan: `<@${curator.id}>` }))).toMatch(/réservé aux curateurs/);
    expect(await answered(fake.slash(curator, 'moderate ban', { fan: `<@${spammer.id}>`, reason: 'flood' }))).toBe(`discord:${spammer.id} est banni de « Confiance ».`);
    expect(await propose(spammer, 'Encore du spam')).toMatch(/^Tu ne peux pas participer à cette campagne : un curateur t’en a exclu/);
    expect(await answered(fake.slash(curator, 'moderate bans'))).toContain(`• discord:${spammer.id} — flood`);
  });

  it('sends a fan their data as a JSON file only they see, then erases them on confirmation', async () => {
    const mine = fake.slash(veteran, 'mydata');
    expect(await answered(mine)).toMatch(/^Tout ce que « Confiance » sait de toi : 1 idée, 0 j’aime, 0 bulletin/);
    expect(mine.callbacks[0]?.data.flags).toBe(64);
    const name = `trust-e2e-discord-${veteran.id}.json`;
    expect(finalAnswer(mine).files).toEqual([name]);
    const data = JSON.parse(fake.attachments.get(name) ?? '{}');
    expect(data).toMatchObject({ campaign: 'trust-e2e', fan: `discord:${veteran.id}`, proposals: [{ text: 'Une idée de vétéran', authorName: 'veteran' }] });

    expect(await answered(fake.slash(veteran, 'forgetme'))).toMatch(/C’est définitif\. Pour continuer : \/oublie-moi confirmer: oui, efface-moi$/);
    expect(await answered(fake.slash(veteran, 'forgetme', { confirm: 'yes' }))).toMatch(/^C’est fait : « Confiance » ne te connaît plus\. .* Idées devenues anonymes : 1\.$/);
    expect(await answered(fake.slash(veteran, 'mydata'))).toMatch(/0 idée, 0 j’aime, 0 bulletin/);
  });
});
