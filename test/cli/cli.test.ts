/**
 * The command line as a newcomer runs it: the real binary in a child process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/cocreate.js');
const CAMPAIGNS = readdirSync(join(ROOT, 'campaigns')).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join('campaigns', f));

function cocreate(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const dataDir = options.env?.['COCREATE_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'cocreate-cli-'));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', COCREATE_DATA_DIR: dataDir, ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, dataDir };
}

describe('cocreate validate', () => {
  it('prints one ok line per shipped campaign file', () => {
    const r = cocreate(['validate', ...CAMPAIGNS]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('warning: '))).toEqual(CAMPAIGNS.map((f) => `ok ${f}`));
    // The shipped examples are historical (2013–2015): each is said to be over, with the flags `run` needs.
    expect(lines.filter((l) => l.startsWith('warning: '))).toEqual(CAMPAIGNS.map((f) => expect.stringMatching(
      new RegExp(`^warning: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: every phase of campaign "[a-z0-9-]+" is over .*--from-now .*--allow-past$`),
    )));
  });

  it('reports every problem of a broken file with its line, column and key path, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-broken-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, [
      'id: Bad_Id',
      'title: Broken',
      'locale: fr',
      'schedule:',
      '  propose: { start: "2026-01-01T09:00:00", duration: 5 weeks }',
      '  vote: { duration: P1W }',
      'shortlist: { by: curators, size: 5 }',
      'categories:',
      '  - id: villain',
      '    title: Villain',
      '  - id: villain',
      '    title: Twice',
      '',
    ].join('\n'));
    const r = cocreate(['validate', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ \\S+: .+`));
    expect(r.stdout).toMatch(/:1:\d+ id: /);
    expect(r.stdout).toMatch(/:5:\d+ schedule\.propose\.start: /);
    expect(r.stdout).toMatch(/:5:\d+ schedule\.propose\.duration: /);
    expect(r.stdout).toMatch(/:11:\d+ categories\.1\.id: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe('cocreate simulate', () => {
  it.each(CAMPAIGNS)('plays %s to the end and prints winners for every category as JSON', (file) => {
    const r = cocreate(['simulate', file, '--fans', '1500', '--seed', 'ci', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { campaign: string; categories: { id: string; ballots: number; winners: { text: string; votes: number }[] }[] };
    expect(doc.categories.length).toBeGreaterThan(0);
    for (const c of doc.categories) {
      expect(c.ballots).toBeGreaterThan(0);
      expect(c.winners.length).toBeGreaterThan(0);
      expect(c.winners[0]!.votes).toBeGreaterThan(0);
    }
  });

  it('gives the same results for the same seed', () => {
    const file = CAMPAIGNS.find((f) => f.includes('crunch'))!;
    const a = cocreate(['simulate', file, '--fans', '200', '--seed', 'same', '--json']);
    const b = cocreate(['simulate', file, '--fans', '200', '--seed', 'same', '--json']);
    expect(a.stdout).toBe(b.stdout);
  });

  it('saves the played campaign so that results and recount read it', () => {
    const file = CAMPAIGNS.find((f) => f.includes('crunch'))!;
    const sim = cocreate(['simulate', file, '--fans', '200']);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toMatch(/rank/);
    const env = { COCREATE_DATA_DIR: sim.dataDir };
    const results = cocreate(['results', 'crunch-super-social-movie'], { env });
    expect(results.code).toBe(0);
    expect(JSON.parse(results.stdout).categories).toHaveLength(7);
    const csv = cocreate(['results', 'crunch-super-social-movie', '--format', 'csv'], { env });
    expect(csv.stdout.startsWith('\ufeffcampaign,category')).toBe(true);
    const recount = cocreate(['recount', 'crunch-super-social-movie'], { env });
    expect(recount.code).toBe(0);
    expect(recount.stdout.trim().split('\n')).toHaveLength(7);
  });

  it('answers a clear message for a campaign it has never seen', () => {
    const r = cocreate(['results', 'never-played']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cocreate: no state for campaign "never-played"/);
  });
});

describe('cocreate run (the local terminal chat)', () => {
  it('plays the Crunch campaign from piped commands, every role, start to reveal', () => {
    const script = [
      '/as alice',
      '/propose cult-line "Ça croque ou ça craque ?"',
      '/as bob',
      '/propose cult-line "@everyone <b>free</b> [click](https://evil.example)"',
      '/as lea manager',
      '/advance cult-line',
      '/as norman curator',
      '/shortlist add 1',
      '/shortlist add 2',
      '/as lea manager',
      '/advance cult-line',
      '/as carol',
      '/vote cult-line 1',
      '/vote cult-line 9999',
      '/as dave',
      '/vote cult-line 1',
      '/as lea manager',
      '/advance cult-line',
      '/results cult-line',
      '/quit',
      '',
    ].join('\n');
    const r = cocreate(['run', '--from-now', 'campaigns/crunch-super-social-movie.yaml'], { input: script });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ça croque ou ça craque ?');
    expect(r.stdout).toContain('alice'); // the author credited
    expect(r.stdout).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('the command line on Redis', () => {
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `test:cli:${process.pid}:${Date.now().toString(36)}:`;
  const env = { REDIS_URL: url, COCREATE_REDIS_PREFIX: prefix };

  afterAll(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length) await redis.unlink(...keys);
    redis.disconnect();
  });

  it('simulates against Redis, then results and recount read it there', () => {
    const sim = cocreate(['simulate', 'campaigns/danone-michalak.yaml', '--fans', '500', '--redis', url, '--json'], { env: { COCREATE_REDIS_PREFIX: prefix } });
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    const simulated = JSON.parse(sim.stdout);
    const results = cocreate(['results', 'danone-michalak'], { env });
    expect(results.code).toBe(0);
    expect(JSON.parse(results.stdout)).toEqual(simulated);
    const recount = cocreate(['recount', 'danone-michalak'], { env });
    expect(recount.stdout).toMatch(/^flavour: \d+ ballots, ok$/m);
    expect(recount.code).toBe(0);
    // a second simulation would clobber a campaign that may be live: refused
    const again = cocreate(['simulate', 'campaigns/danone-michalak.yaml', '--fans', '10', '--redis', url], { env: { COCREATE_REDIS_PREFIX: prefix } });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has state in this Redis/);
  });

  it('runs the local chat on Redis and delivers the announcements before it stops', () => {
    const r = cocreate(['run', '--from-now', 'campaigns/crunch-super-social-movie.yaml'], {
      env, input: ['/as lea manager', '/advance cult-line', '/quit', ''].join('\n'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/📣/g)?.length).toBe(8); // seven categories open, one moves to its shortlist
  });

  it('says clearly when Redis cannot be reached', () => {
    const r = cocreate(['results', 'danone-michalak'], { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cocreate: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});

describe('cocreate results --format manifest, verify and audit', () => {
  const file = CAMPAIGNS.find((f) => f.includes('crunch'))!;
  let dataDir: string;
  let manifestFile: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cocreate-verify-'));
    expect(cocreate(['simulate', file, '--fans', '300', '--seed', 'verify'], { env: { COCREATE_DATA_DIR: dataDir } }).code).toBe(0);
    const r = cocreate(['results', 'crunch-super-social-movie', '--format', 'manifest'], { env: { COCREATE_DATA_DIR: dataDir } });
    expect(r.code).toBe(0);
    manifestFile = join(dataDir, 'manifest.json');
    writeFileSync(manifestFile, r.stdout);
  });

  it('verifies the manifest it wrote, category by category, and exits 0', () => {
    const r = cocreate(['verify', manifestFile], { env: { COCREATE_DATA_DIR: dataDir } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(7);
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^[a-z-]+: \d+ ballots, ok$/);
  });

  it('exits 1 and says what differs when the manifest was edited', () => {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { categories: { tally: Record<string, number> }[] };
    const tally = manifest.categories[0]!.tally;
    const [first] = Object.keys(tally);
    tally[first!] = tally[first!]! + 1;
    const edited = join(dataDir, 'edited.json');
    writeFileSync(edited, JSON.stringify(manifest));
    const r = cocreate(['verify', edited], { env: { COCREATE_DATA_DIR: dataDir } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cult-line: \d+ ballots, DIFFERS: tally differs/m);
  });

  it('refuses a file that is not a manifest with one clean line', () => {
    const bad = join(dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'something else' }));
    const r = cocreate(['verify', bad], { env: { COCREATE_DATA_DIR: dataDir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cocreate: .*bad\.json is not a results manifest: format: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('prints the audit log of the curators\' and managers\' actions', () => {
    const r = cocreate(['audit', 'crunch-super-social-movie'], { env: { COCREATE_DATA_DIR: dataDir } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S+Z {2}local:curator \("Curator"\) {2}shortlist\.add {2}cult-line #\w+ {2}\{"status":"active","shortlisted":false\} -> \{"status":"active","shortlisted":true\}$/m);
    const json = JSON.parse(cocreate(['audit', 'crunch-super-social-movie', '--json'], { env: { COCREATE_DATA_DIR: dataDir } }).stdout) as { action: string }[];
    expect(json.length).toBeGreaterThan(0);
  });
});

describe('cocreate rehearse', () => {
  it('refuses a malformed --warmup or --only with one clean line and exit 2, before touching Redis', () => {
    for (const [flag, value, message] of [['--warmup', '-3', '--warmup takes a whole number'], ['--only', 'irc', '--only takes discord or telegram']] as const) {
      const r = cocreate(['rehearse', 'campaigns/danone-michalak.yaml', '--fans', '10', `${flag}=${value}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
