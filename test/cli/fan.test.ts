// `cocreate fan export|erase PLATFORM:ID` in a child process, on the embedded store
// a simulation saved: the export lists the fan's ballots, the erasure keeps the recount equal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/cocreate.js');
const dataDir = mkdtempSync(join(tmpdir(), 'cocreate-fan-'));

function cocreate(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', COCREATE_DATA_DIR: dataDir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

jest.setTimeout(120_000);

describe('cocreate fan', () => {
  const FAN = 'discord:100000000000000000';

  it('exports a fan, erases them, and the recount still agrees', () => {
    expect(cocreate(['simulate', 'campaigns/crunch-super-social-movie.yaml', '--fans', '60', '--seed', 'fan']).code).toBe(0);
    const exported = cocreate(['fan', 'export', FAN, '--campaign', 'crunch-super-social-movie']);
    expect(exported.code).toBe(0);
    const [before] = JSON.parse(exported.stdout) as { fan: string; ballots: unknown[] }[];
    expect(before).toMatchObject({ campaign: 'crunch-super-social-movie', fan: FAN });
    expect(before!.ballots.length).toBeGreaterThan(0);
    const erased = cocreate(['fan', 'erase', FAN]);
    expect(erased.code).toBe(0);
    expect(erased.stdout).toMatch(new RegExp(`^crunch-super-social-movie: erased ${FAN}: ballots withdrawn 0, anonymized ${before!.ballots.length};`));
    expect(cocreate(['recount', 'crunch-super-social-movie']).code).toBe(0);
    const [after] = JSON.parse(cocreate(['fan', 'export', FAN]).stdout) as { ballots: unknown[]; proposals: unknown[]; likes: unknown[] }[];
    expect(after).toMatchObject({ ballots: [], proposals: [], likes: [] });
  });

  it('refuses a fan that is not PLATFORM:ID in one clean line', () => {
    const r = cocreate(['fan', 'erase', 'nobody', '--campaign', 'crunch-super-social-movie']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cocreate: crunch-super-social-movie: "nobody" is not PLATFORM:ID/);
  });
});
