/**
 * The command line's shape: each subcommand answers --help with its own usage, the quick ones
 * load no platform library, and the tools read a stored campaign without its file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { USAGE, USAGES } from '../../src/cli/usage';
import { campaignJsonSchemaText } from '../../src/config/json-schema';
import { connectOrFail, deleteByPrefix, redisUrl, uniquePrefix } from '../helpers/redis';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/cocreate.js');
const DANONE = join(ROOT, 'campaigns/danone-michalak.yaml');
const CRUNCH = join(ROOT, 'campaigns/crunch-super-social-movie.yaml');

/** The binary from the sources, in `cwd` (default: a fresh empty folder), with only `env`. */
function cocreate(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; preload?: string } = {}) {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'cocreate-commands-'));
  const r = spawnSync(process.execPath, [...(options.preload ? ['--require', options.preload] : []), BIN, ...args], {
    cwd, input: options.input ?? '', encoding: 'utf8', timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', COCREATE_DATA_DIR: join(cwd, '.cocreate'), ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cwd };
}

describe('cocreate --help', () => {
  it.each(Object.keys(USAGES))('answers `%s --help` with that subcommand\'s own usage, and exit 0', (name) => {
    const r = cocreate([name, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(USAGES[name as keyof typeof USAGES]);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cocreate ${name}\\b`));
  });

  it('answers `help COMMAND` the same way, and --help with every subcommand', () => {
    expect(cocreate(['help', 'results']).stdout).toBe(USAGES.results);
    const all = cocreate(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(USAGE);
    for (const name of Object.keys(USAGES)) expect(all.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('answers a usage mistake with the subcommand\'s usage and exit 2', () => {
    const r = cocreate(['recount', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(USAGES.recount);
  });
});

describe('the quick subcommands', () => {
  // Prints, at exit, every package the process loaded.
  const preload = join(mkdtempSync(join(tmpdir(), 'cocreate-preload-')), 'loaded.js');
  writeFileSync(preload, `process.on('exit', () => { process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'); });\n`);
  const HEAVY = /node_modules\/(discord\.js|@discordjs|telegraf|ioredis|bullmq|@napi-rs\/canvas|pino|prom-client|cli-progress|@inquirer)\//;

  function loaded(stderr: string): string[] {
    const line = stderr.split('\n').find((l) => l.startsWith('LOADED '));
    return JSON.parse(line!.slice('LOADED '.length)) as string[];
  }

  it.each([
    ['validate', [DANONE]], ['schema', []], ['--help', []], ['run --help', []],
    ['init --yes', ['--title', 'Quick', '--start', '2030-03-04T09:00:00+01:00', 'quick.yaml']],
  ])('`%s` loads no platform library, Redis client, queue, canvas or prompt', (command, extra) => {
    const r = cocreate([...command.split(' '), ...extra], { preload });
    expect(r.code).toBe(0);
    const heavy = loaded(r.stderr).filter((path) => HEAVY.test(path));
    expect(heavy).toEqual([]);
  });

  it('`schema` prints the shipped schema/campaign.schema.json', () => {
    const r = cocreate(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(campaignJsonSchemaText());
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'schema/campaign.schema.json'), 'utf8'));
  });
});

describe('the tools read a campaign stored in Redis without its file', () => {
  const url = redisUrl();
  const prefix = uniquePrefix('test:commands:');
  const env = { REDIS_URL: url, COCREATE_REDIS_PREFIX: prefix };
  let redis: Redis;

  beforeAll(async () => {
    redis = await connectOrFail(url);
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('simulate --redis keeps the definition: results, recount and audit answer from a folder without the file', () => {
    const sim = cocreate(['simulate', DANONE, '--fans', '300', '--redis', url, '--json'], { env: { COCREATE_REDIS_PREFIX: prefix } });
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    const elsewhere = mkdtempSync(join(tmpdir(), 'cocreate-nofile-')); // no campaigns/, no COCREATE_CAMPAIGNS
    const results = cocreate(['results', 'danone-michalak'], { cwd: elsewhere, env });
    expect(results.stderr).toBe('');
    expect(results.code).toBe(0);
    expect(JSON.parse(results.stdout)).toEqual(JSON.parse(sim.stdout));
    const recount = cocreate(['recount', 'danone-michalak'], { cwd: elsewhere, env });
    expect(recount.stdout).toMatch(/^flavour: \d+ ballots, ok$/m);
    expect(recount.code).toBe(0);
    expect(cocreate(['audit', 'danone-michalak'], { cwd: elsewhere, env }).code).toBe(0);
  });

  it('a file given with --file wins over the stored definition, and must declare the campaign', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-file-'));
    const renamed = join(dir, 'danone.yaml');
    writeFileSync(renamed, readFileSync(DANONE, 'utf8').replace(/^(\s+)title: "?La saveur Michalak"?$/m, '$1title: "Renamed flavour"'));
    expect(readFileSync(renamed, 'utf8')).toContain('Renamed flavour');
    const stored = cocreate(['results', 'danone-michalak', '--format', 'csv'], { cwd: dir, env });
    const given = cocreate(['results', 'danone-michalak', '--format', 'csv', '--file', renamed], { cwd: dir, env });
    expect(given.code).toBe(0);
    expect(stored.stdout).not.toContain('Renamed flavour');
    expect(given.stdout).toContain('Renamed flavour');
    const other = cocreate(['recount', 'danone-michalak', '--file', CRUNCH], { cwd: dir, env });
    expect(other.code).toBe(1);
    expect(other.stderr).toBe(`cocreate: ${CRUNCH} declares the campaign "crunch-super-social-movie", not "danone-michalak"\n`);
  });

  it('run keeps the definition of the campaign it runs, schedule moved by --from-now included', () => {
    const run = cocreate(['run', '--from-now', CRUNCH], { cwd: ROOT, env, input: ['/as lea manager', '/advance cult-line', '/quit', ''].join('\n') });
    expect(run.code).toBe(0);
    const elsewhere = mkdtempSync(join(tmpdir(), 'cocreate-nofile-'));
    const recount = cocreate(['recount', 'crunch-super-social-movie'], { cwd: elsewhere, env });
    expect(recount.stderr).toBe('');
    expect(recount.code).toBe(0);
    expect(recount.stdout.trim().split('\n')).toHaveLength(7);
    const audit = cocreate(['audit', 'crunch-super-social-movie'], { cwd: elsewhere, env });
    expect(audit.stdout).toMatch(/advance/);
  });

  it('a stored definition this version cannot read is a clear error that names the way out', async () => {
    const id = 'danone-michalak';
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-old-'));
    copyFileSync(DANONE, join(dir, 'danone.yaml'));
    const file = JSON.parse(JSON.stringify({ format: 1, file: { id, title: 'x', locale: 'klingon', categories: [] }, shiftMs: 0 }));
    await redis.set(`${prefix}{${id}}:definition`, JSON.stringify(file));
    const r = cocreate(['recount', id], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cocreate: the definition of campaign "danone-michalak" stored in Redis does not validate with this version of cocreate:\nlocale: expected one of fr, en, found "klingon"\n/);
    expect(r.stderr).toMatch(/give its campaign file with --file FILE\n$/);
    const withFile = cocreate(['recount', id, '--file', 'danone.yaml'], { cwd: dir, env });
    expect(withFile.code).toBe(0);
  });
});
