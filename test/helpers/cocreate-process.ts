/**
 * The real `cocreate run` entry point as a child process (`node bin/cocreate.js run …`),
 * configured by environment variables only, for end-to-end tests against local fakes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface CocreateProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to standard error so far (its log). */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** A temporary directory holding `campaign.json` with `campaign` in it; returns both paths. */
export function writeCampaign(campaign: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cocreate-e2e-'));
  const file = join(dir, 'campaign.json');
  writeFileSync(file, JSON.stringify(campaign, null, 2));
  return { dir, file };
}

/** Starts `cocreate run --from-now FILE` in `cwd` with only `env` (plus PATH and HOME). */
export function startCocreate(file: string, cwd: string, env: Record<string, string>): CocreateProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin/cocreate.js'), 'run', '--from-now', file], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  child.stdout!.resume();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    log: () => stderr,
    stop: async (graceMs = 5000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
