import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ENGINE = join(__dirname, '../../src/engine');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the layout of src/engine', () => {
  it('keeps every file of src/engine at 400 lines or fewer', () => {
    const long = filesUnder(ENGINE)
      .map((path) => ({ file: relative(ENGINE, path), lines: readFileSync(path, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });

  it('documents every exported function and class of src/engine with TSDoc', () => {
    const undocumented: string[] = [];
    for (const path of filesUnder(ENGINE)) {
      const lines = readFileSync(path, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^export (async )?function |^export class /.test(line)) return;
        const before = lines.slice(0, i).reverse().find((l) => l.trim() !== '');
        if (!before?.trim().endsWith('*/')) undocumented.push(`${relative(ENGINE, path)}:${i + 1}`);
      });
    }
    expect(undocumented).toEqual([]);
  });
});
