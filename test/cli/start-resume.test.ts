/**
 * `npm start` as a newcomer runs it twice, and `run` on a campaign that is over: the real
 * binary in a child process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const CRUNCH = 'campaigns/crunch-super-social-movie.yaml';

function cocreate(args: string[], dataDir: string, input = '') {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/cocreate.js'), ...args], {
    cwd: ROOT, input, encoding: 'utf8', timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', COCREATE_DATA_DIR: dataDir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm start twice', () => {
  it('finds the idea of the first session in the second, and says the session was resumed', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cocreate-start-'));
    const first = cocreate(['run', '--from-now', CRUNCH], dataDir, '/as alice\n/propose cult-line "Ça croque ou ça craque ?"\n/quit\n');
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const second = cocreate(['run', '--from-now', CRUNCH], dataDir, '/proposals cult-line\n/quit\n');
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^cocreate: resuming campaign "crunch-super-social-movie" where the last session left it \(saved in .*\); to start it afresh, delete that file\n$/);
    expect(second.stdout).toContain('Ça croque ou ça craque ?');
  });
});

describe('cocreate run on a campaign that is over', () => {
  it('refuses to start it, naming the campaign and the flags, and exits 1', () => {
    const r = cocreate(['run', CRUNCH], mkdtempSync(join(tmpdir(), 'cocreate-past-')), '/quit\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cocreate: campaign "crunch-super-social-movie" is over: .*--from-now.*--allow-past/);
    expect(r.stdout).toBe('');
  });
});
