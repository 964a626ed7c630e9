/**
 * The published package as a newcomer gets it: `npm pack`, then `npm install <tarball>` in an
 * empty folder, then the binary and the library from there — compiled code only, no tsx, no
 * source. npm's cache serves the dependencies (`--prefer-offline`), so this takes seconds to a
 * minute, not the full download.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The environment without what `npm test` adds about this package (npm run would read it). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_package_|npm_lifecycle_|INIT_CWD$)/.test(key)));
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
}

describe('the package installed from its tarball', () => {
  let app: string;
  let bin: string;

  beforeAll(() => {
    const out = mkdtempSync(join(tmpdir(), 'cocreate-pack-'));
    npm(['run', '--silent', 'build'], ROOT); // what is packed is what the sources say now
    const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT)) as { filename: string; files: { path: string }[] }[];
    expect(packed!.files.map((f) => f.path)).toEqual(expect.arrayContaining(['dist/src/cli/bin.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'schema/campaign.schema.json', 'dist/src/stores/redis/lua/cast-ballot-5.lua']));
    expect(packed!.files.filter((f) => /^(src|test|bench|bin)\//.test(f.path) || f.path.endsWith('.ts') && !f.path.endsWith('.d.ts'))).toEqual([]);
    app = join(out, 'app');
    mkdirSync(app);
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error', join(out, packed!.filename)], app);
    bin = join(app, 'node_modules/.bin/cocreate');
  }, 300_000);

  function cocreate(args: string[], input = '') {
    const r = spawnSync(bin, args, { cwd: app, input, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('installs no tsx and no TypeScript source: the binary is compiled code', () => {
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('answers npx cocreate --help', () => {
    const r = spawnSync('npx', ['--no-install', 'cocreate', '--help'], { cwd: app, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cocreate <command>/);
    expect(cocreate(['simulate', '--help']).stdout).toMatch(/^Usage: cocreate simulate FILE --fans N/);
  });

  it('validates the campaigns it ships', () => {
    const files = readdirSync(join(app, 'node_modules/cocreate/campaigns')).map((f) => `node_modules/cocreate/campaigns/${f}`);
    const r = cocreate(['validate', ...files]);
    expect(r.stderr).toBe('');
    // The shipped examples are dated 2013–2015: each is valid, and validate warns that it is over.
    expect(r.stdout.trim().split('\n').filter((line) => !line.startsWith('warning: '))).toEqual(files.map((f) => `ok ${f}`));
    expect(r.stdout.match(/^warning: .* is over/gm)).toHaveLength(files.length);
    expect(r.code).toBe(0);
  });

  it('writes a campaign with init, validates and simulates it with 500 fans, and runs it in the local chat', () => {
    const init = cocreate(['init', '--yes', '--title', 'Le paquet', '--category', 'La réplique', '--start', '2030-03-04T09:00:00+01:00', 'campaign.yaml']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(readFileSync(join(app, 'campaign.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/cocreate/schema/campaign.schema.json');
    expect(cocreate(['validate', 'campaign.yaml']).stdout).toBe('ok campaign.yaml\n');
    const sim = cocreate(['simulate', 'campaign.yaml', '--fans', '500', '--json']);
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    expect(JSON.parse(sim.stdout)).toMatchObject({ campaign: 'le-paquet', categories: [{ id: 'la-replique' }] });
    expect(cocreate(['recount', 'le-paquet']).stdout).toMatch(/^la-replique: \d+ ballots, ok$/m);
    const run = cocreate(['run', '--from-now', 'campaign.yaml'], ['/as alice', '/propose la-replique "Une idée du paquet"', '/quit', ''].join('\n'));
    // The simulation saved its (finished) campaign: run says it starts afresh, and nothing else.
    expect(run.stderr).toMatch(/^cocreate: campaign "le-paquet" saved in .* is over \(every category revealed\): starting it afresh from now; [^\n]*\n$/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Merci alice ! Ton idée #1 est enregistrée dans « La réplique » : Une idée du paquet');
  });

  it('is a library: createCocreate runs a campaign object, and the campaign JSON Schema is exported', () => {
    const script = `
      const { createCocreate, campaignJsonSchema } = require('cocreate');
      const schema = require(require.resolve('cocreate/campaign.schema.json'));
      (async () => {
        const c = await createCocreate({ campaigns: [{ id: 'lib', title: 'Lib', locale: 'en', categories: [{ id: 'f', title: 'F', options: ['A', 'B'], schedule: { vote: { start: new Date().toISOString(), duration: 'P1D' } } }] }] });
        const ballots = [];
        c.on('ballot', (b) => ballots.push(b.fan));
        await c.start();
        const list = await c.execute({ type: 'shortlist.list', campaignId: 'lib', categoryId: 'f' }, { platform: 'telegram', userId: '1', displayName: 'Ann' });
        const vote = await c.execute({ type: 'vote', campaignId: 'lib', categoryId: 'f', choice: [list.proposals[0].id] }, { platform: 'telegram', userId: '1', displayName: 'Ann' });
        await c.stop();
        const bad = await createCocreate({ campaigns: [{ id: 'Bad' }] }).catch((e) => e);
        console.log(JSON.stringify({ vote: vote.ok, ballots, same: JSON.stringify(schema) === JSON.stringify(campaignJsonSchema()), code: bad.code, lines: bad.message.split('\\n').slice(1) }));
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      vote: true, ballots: ['telegram:1'], same: true, code: 'campaign.invalid',
      lines: [expect.stringMatching(/^id: expected an id made of lowercase letters/), expect.stringMatching(/^title: missing required key/), expect.stringMatching(/^locale: missing required key/), expect.stringMatching(/^categories: missing required key/)],
    });
  });
});
