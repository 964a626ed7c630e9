/**
 * `cocreate results --format csv|json --chart DIR`, run as a newcomer runs it: the real binary
 * in a child process, on a campaign played by `simulate`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { EXPORT_COLUMNS } from '../../src/render/export-files';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/cocreate.js');

function cocreate(args: string[], dataDir: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, input: '', encoding: 'utf8', timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', COCREATE_DATA_DIR: dataDir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cocreate results exports', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cocreate-export-'));
  beforeAll(() => {
    expect(cocreate(['simulate', 'campaigns/crunch-super-social-movie.yaml', '--fans', '150', '--seed', 'export'], dataDir).code).toBe(0);
  });

  it('writes a spreadsheet-ready CSV that parses back with its accents, one line per idea, votes and winners', () => {
    const r = cocreate(['results', 'crunch-super-social-movie', '--format', 'csv'], dataDir);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\ufeff')).toBe(true);
    const rows = parse(r.stdout, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(new Set(rows.map((row) => row['category'])).size).toBe(7);
    expect(rows.some((row) => row['category_title'] === 'La réplique culte')).toBe(true);
    const json = JSON.parse(cocreate(['results', 'crunch-super-social-movie'], dataDir).stdout) as {
      categories: { id: string; ballots: number; winners: { id: string; votes: number; author?: string }[]; entries: unknown[] }[];
    };
    for (const c of json.categories) {
      const lines = rows.filter((row) => row['category'] === c.id);
      expect(lines).toHaveLength(c.entries.length);
      const winner = lines.find((row) => row['winner_rank'] === '1');
      expect(winner?.['id']).toBe(c.winners[0]?.id);
      expect(Number(winner?.['votes'])).toBe(c.winners[0]?.votes);
      expect(winner?.['author']).toBe(c.winners[0]?.author ?? '');
      expect(Number(lines[0]!['ballots'])).toBe(c.ballots);
      expect(lines.every((row) => row['author'] === '' || row['platform'] !== '')).toBe(true);
    }
  });

  it('writes one PNG per revealed category with --chart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-charts-'));
    const r = cocreate(['results', 'crunch-super-social-movie', '--chart', dir], dataDir);
    expect(r.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(7);
    expect(files).toContain('crunch-super-social-movie-cult-line.png');
    const image = PNG.sync.read(readFileSync(join(dir, 'crunch-super-social-movie-cult-line.png')));
    expect(image.width).toBe(1200);
    expect(r.stderr).toMatch(/chart written: .*cult-line\.png/);
  });
});
