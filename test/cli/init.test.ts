/**
 * `cocreate init`: from options with --yes (CI), and from a person answering questions on a
 * real pseudo-terminal (util-linux `script`), the real binary in a child process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadCampaignFile } from '../../src/config/loader';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/cocreate.js');

function cocreate(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fresh = () => mkdtempSync(join(tmpdir(), 'cocreate-init-'));

describe('cocreate init --yes', () => {
  it('writes a campaign file that validates from the options, and prints the next command', () => {
    const dir = fresh();
    const r = cocreate([
      'init', '--yes', '--title', 'Le film de la communauté', '--locale', 'en', '--category', 'La réplique culte', '--category', 'Le méchant',
      '--start', '2030-03-04T09:00:00+01:00', '--propose', 'P3W', '--vote', 'P10D', '--method', 'approval', '--max-choices', '7',
      '--discord', '123456789012345678/234567890123456789', '--telegram=-1001234567890',
    ], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = join(dir, 'campaigns/le-film-de-la-communaute.yaml');
    expect(r.stdout).toBe(`wrote campaigns/le-film-de-la-communaute.yaml (it validates)\nnext: npx cocreate simulate campaigns/le-film-de-la-communaute.yaml --fans 1000   (play it in virtual time), then npx cocreate run --from-now campaigns/le-film-de-la-communaute.yaml\n`);
    const loaded = loadCampaignFile(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.spec).toMatchObject({
      id: 'le-film-de-la-communaute', title: 'Le film de la communauté', locale: 'en',
      channels: { discord: [{ guild: '123456789012345678', channel: '234567890123456789' }], telegram: [{ chat: '-1001234567890' }] },
    });
    expect(loaded.spec.categories.map((c) => [c.id, c.title, c.vote])).toEqual([
      ['la-replique-culte', 'La réplique culte', { method: 'approval', maxChoices: 7, allowChange: true, liveCounts: false }],
      ['le-mechant', 'Le méchant', { method: 'approval', maxChoices: 7, allowChange: true, liveCounts: false }],
    ]);
    const first = loaded.spec.categories[0]!;
    expect(first.phases.map((w) => [w.phase, new Date(w.start).toISOString()])).toEqual([
      ['propose', '2030-03-04T08:00:00.000Z'], ['shortlist', '2030-03-25T08:00:00.000Z'], ['vote', '2030-03-28T08:00:00.000Z'],
    ]);
    expect(new Date(first.revealAt).toISOString()).toBe('2030-04-07T08:00:00.000Z');
    // The editor line points at the schema of this package.
    const line = readFileSync(file, 'utf8').split('\n')[0]!;
    expect(line).toMatch(/^# yaml-language-server: \$schema=\S+campaign\.schema\.json$/);
    expect(existsSync(join(dir, 'campaigns', line.split('$schema=')[1]!))).toBe(true);
  });

  it('takes a default for every question no option answers', () => {
    const dir = fresh();
    const r = cocreate(['init', '--yes', 'mine.yaml'], dir);
    expect(r.code).toBe(0);
    const loaded = loadCampaignFile(join(dir, 'mine.yaml'));
    expect(loaded.ok && [loaded.spec.id, loaded.spec.locale, loaded.spec.categories.map((c) => c.id)]).toEqual(['my-campaign', 'fr', ['ideas']]);
    expect(parse(readFileSync(join(dir, 'mine.yaml'), 'utf8'))).toMatchObject({ schedule: { propose: { duration: 'P2W' }, shortlist: { duration: 'P3D' }, vote: { duration: 'P1W' } } });
  });

  it('keeps a title\'s line breaks out of the file\'s header comment: what it writes still validates', () => {
    const dir = fresh();
    const r = cocreate(['init', '--yes', '--title', 'Le film\nid: injected\u2028!', 'c.yaml'], dir);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'c.yaml'), 'utf8');
    expect(text.split('\n')[1]).toBe('# Le film id: injected ! — written by `cocreate init`. Check it with `cocreate validate`; every key is');
    const loaded = loadCampaignFile(join(dir, 'c.yaml'));
    expect(loaded.ok && [loaded.spec.id, loaded.spec.title]).toEqual(['le-film-id-injected', 'Le film\nid: injected\u2028!']);
  });

  it('refuses answers out of range with one line each, exit 2, and writes nothing', () => {
    const dir = fresh();
    const r = cocreate([
      'init', '--yes', '--title', '   ', '--locale', 'de', '--start', '2030-03-04', '--vote', '2 weeks', '--method', 'borda', '--max-choices', '40',
      '--discord', '12', '--telegram', 'group', '--id', 'Mon Film',
    ], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'cocreate: --title: expected some text, found an empty text',
      expect.stringMatching(/^--id: expected an id made of lowercase letters/),
      '--locale: expected fr or en, found "de"',
      expect.stringMatching(/^--start: expected an ISO 8601 date and time with an offset/),
      expect.stringMatching(/^--vote: expected an ISO 8601 duration/),
      '--method: expected one of single, approval, ranked, found "borda"',
      '--max-choices: expected a whole number from 1 to 25, found "40"',
      expect.stringMatching(/^--discord: expected GUILD\/CHANNEL/),
      expect.stringMatching(/^--telegram: expected a Telegram chat id/),
      'nothing written',
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses answers that are each valid but not together, before writing anything', () => {
    const dir = fresh();
    const r = cocreate(['init', '--yes', '--max-choices', '2'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cocreate: --max-choices: only with --method approval\nnothing written\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never writes over an existing file unless --force', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'c.yaml'), 'mine\n');
    const r = cocreate(['init', '--yes', 'c.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cocreate: c.yaml already exists: choose another FILE, or --force to replace it\n');
    expect(readFileSync(join(dir, 'c.yaml'), 'utf8')).toBe('mine\n');
    mkdirSync(join(dir, 'campaigns'));
    writeFileSync(join(dir, 'campaigns/my-campaign.yaml'), 'mine too\n');
    expect(cocreate(['init', '--yes'], dir).stderr).toMatch(/campaigns\/my-campaign\.yaml already exists: nothing written/);
    expect(cocreate(['init', '--yes', '--force', 'c.yaml'], dir).code).toBe(0);
    expect(loadCampaignFile(join(dir, 'c.yaml')).ok).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['c.yaml', 'campaigns']); // nothing left aside
  });

  it('asks for --yes when there is no terminal to ask on', () => {
    const dir = fresh();
    const r = cocreate(['init', '--title', 'No terminal'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cocreate: init asks its questions on a terminal; without one, give --yes/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('cocreate init on a terminal', () => {
  beforeAll(() => {
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error('these tests drive init on a pseudo-terminal with `script` from util-linux (Debian: apt-get install bsdutils)');
  });

  /**
   * The binary on a pseudo-terminal (`script` from util-linux); `answer(prompt, keys)` waits
   * for a prompt to appear, then types.
   */
  function terminal(args: string[], cwd: string) {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TERM: 'xterm' } });
    let screen = '';
    let seen = 0;
    const waiters: { text: string; resolve: () => void }[] = [];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's escape sequences
    const plain = () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const check = () => {
      for (const w of [...waiters]) {
        const at = plain().indexOf(w.text, seen);
        if (at !== -1) { seen = at + w.text.length; waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
      }
    };
    child.stdout.on('data', (chunk: Buffer) => { screen += chunk.toString('utf8'); check(); });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    return {
      exited,
      screen: plain,
      async answer(prompt: string, keys: string): Promise<void> {
        await new Promise<void>((resolveWait, reject) => {
          const timer = setTimeout(() => reject(new Error(`no prompt "${prompt}" on the terminal; it ends with:\n${plain().slice(-1500)}`)), 20_000);
          waiters.push({ text: prompt, resolve: () => { clearTimeout(timer); resolveWait(); } });
          check();
        });
        child.stdin.write(keys);
      },
    };
  }

  const ENTER = '\r';
  const DOWN = '\x1b[B';
  const UP = '\x1b[A';

  it('asks each question, re-asks an answer out of range, and writes a campaign that validates', async () => {
    const dir = fresh();
    const t = terminal(['init', 'c.yaml'], dir);
    await t.answer('Title of the campaign', `Super Social Movie${ENTER}`);
    await t.answer('Its id', ENTER); // the default, from the title
    await t.answer('Language of the bot', `${DOWN}${ENTER}`); // English
    await t.answer('Category 1', `La réplique culte${ENTER}`); // typing replaces the default shown
    await t.answer('Category 2', `Le super-vilain${ENTER}`);
    await t.answer('Category 3', ENTER); // empty: no more
    await t.answer('When do proposals open?', `next tuesday${ENTER}`);
    await t.answer('expected an ISO 8601 date and time', `${'\x7f'.repeat(30)}2030-03-04T09:00:00+01:00${ENTER}`); // re-asked: erase, answer again
    await t.answer('How long do proposals last?', ENTER);
    await t.answer('How long do curators take', ENTER);
    await t.answer('How long does the vote last?', `P10D${ENTER}`);
    await t.answer('How do fans vote?', `${DOWN}${ENTER}`); // approval
    await t.answer('How many ideas may a fan approve?', `2${ENTER}`);
    await t.answer('Where does the campaign live?', `${UP}${UP}${UP}${ENTER}`); // from the default (nowhere yet) up to Discord
    await t.answer('Discord server (guild) id', `123456789012345678${ENTER}`);
    await t.answer('Discord channel id', `234567890123456789${ENTER}`);
    expect(await t.exited).toBe(0);
    expect(t.screen()).toContain('wrote c.yaml (it validates)');
    const loaded = loadCampaignFile(join(dir, 'c.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.spec).toMatchObject({ id: 'super-social-movie', title: 'Super Social Movie', locale: 'en', channels: { discord: [{ guild: '123456789012345678', channel: '234567890123456789' }], telegram: [] } });
    expect(loaded.spec.categories.map((c) => c.title)).toEqual(['La réplique culte', 'Le super-vilain']);
    expect(loaded.spec.categories[0]!.vote).toEqual({ method: 'approval', maxChoices: 2, allowChange: true, liveCounts: false });
    expect(new Date(loaded.spec.categories[0]!.phases[0]!.start).toISOString()).toBe('2030-03-04T08:00:00.000Z');
  }, 90_000);

  it('writes nothing when the person stops it with Ctrl+C', async () => {
    const dir = fresh();
    const t = terminal(['init', 'c.yaml'], dir);
    await t.answer('Title of the campaign', `Half${ENTER}`);
    await t.answer('Its id', '\x03');
    expect(await t.exited).toBe(130);
    expect(t.screen()).toContain('init cancelled: nothing written');
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
