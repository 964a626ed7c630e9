/**
 * `npm run bench -- --only cli`: how fast the command line answers. Builds the package first
 * (what is measured is what the sources say now), then times whole processes, from spawn to
 * exit: `cocreate validate` of the Crunch campaign with the published binary (dist/, the target:
 * under 0.3 s), `cocreate --help`, and for comparison the same validate from the sources
 * through tsx (bin/cocreate.js, what development and the tests run). Prints the median of N runs,
 * in wall time and in the CPU time the process itself used (user + system, read by the process
 * at exit): the second moves less when other work shares the machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = join(__dirname, '..');
const CAMPAIGN = 'campaigns/crunch-super-social-movie.yaml';

interface Timing {
  readonly label: string;
  readonly command: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median CPU time (user + system) of the process. */
  readonly cpuMs: number;
  readonly targetMs?: number;
}

export interface CliFigures {
  readonly timings: readonly Timing[];
  /** The 1-minute load average before and after the runs (a busy machine says so here). */
  readonly load: readonly [number, number];
}

// Loaded first in each timed process: at exit it tells its own CPU time on standard error.
const CPU_PRELOAD = join(mkdtempSync(join(tmpdir(), 'cocreate-bench-')), 'cpu.js');
// biome-ignore lint/suspicious/noTemplateCurlyInString: the preload's own template literal
writeFileSync(CPU_PRELOAD, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\nBENCH-CPU ${(u.user + u.system) / 1000}\\n`); });\n");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function time(label: string, args: readonly string[], runs: number, targetMs?: number): Timing {
  const ms: number[] = [];
  const cpu: number[] = [];
  spawnSync(process.execPath, args, { cwd: ROOT }); // one run to warm the file cache, not counted
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--require', CPU_PRELOAD, ...args], { cwd: ROOT, encoding: 'utf8' });
    ms.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    cpu.push(Number(/BENCH-CPU ([\d.]+)/.exec(r.stderr)?.[1] ?? Number.NaN));
  }
  return {
    label, command: `cocreate ${args.slice(1).join(' ')}`, runs, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), cpuMs: median(cpu),
    ...(targetMs === undefined ? {} : { targetMs }),
  };
}

/** Builds dist/, then times each command `runs` times. */
export function benchCli(options: { runs?: number } = {}): CliFigures {
  const runs = options.runs ?? 10;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const before = loadavg()[0]!;
  const bin = join(ROOT, 'dist/src/cli/bin.js');
  const timings = [
    time('validate, published binary (dist/)', [bin, 'validate', CAMPAIGN], runs, 300),
    time('--help, published binary', [bin, '--help'], runs),
    time('validate, from the sources through tsx (development)', [join(ROOT, 'bin/cocreate.js'), 'validate', CAMPAIGN], runs),
    time('node itself (`node -e 0`), for scale', ['-e', '0'], runs),
  ];
  return { timings, load: [before, loadavg()[0]!] };
}

/** The BENCHMARKS.md section. */
export function cliSection(figures: CliFigures, meta: { machine: string; command: string; date: string }): string {
  // A start time measured while other work holds the cores says little: no verdict then.
  const busy = Math.max(...figures.load) > cpus().length * 0.5;
  const row = (t: Timing) => {
    const verdict = t.targetMs === undefined ? '' : busy ? 'not judged: busy machine' : t.medianMs < t.targetMs ? 'met' : 'NOT met';
    const command = t.command.replace(join(ROOT, 'dist/src/cli/bin.js'), '').replace(join(ROOT, 'bin/cocreate.js'), '').replace(/\s+/g, ' ').trim();
    return `| ${t.label} | \`${t.label.startsWith('node') ? 'node -e 0' : `cocreate ${command.replace(/^cocreate /, '')}`}\` | ${t.medianMs.toFixed(0)} ms | ${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)} ms | ${t.cpuMs.toFixed(0)} ms | ${t.targetMs === undefined ? '' : `< ${t.targetMs} ms`} | ${verdict} |`;
  };
  return [
    '<!-- bench:cli -->',
    '## The command line\'s start',
    '',
    `- machine: ${meta.machine}`,
    `- command: \`${meta.command}\``,
    `- date: ${meta.date}`,
    `- load average (1 min) before and after: ${figures.load[0].toFixed(2)}, ${figures.load[1].toFixed(2)} on ${cpus().length} cores${busy ? ': other work shared the machine, rerun on a quiet one' : ''}`,
    '',
    `Each figure is the median of ${figures.timings[0]?.runs ?? 0} whole processes, from spawn to exit (one warm-up run not counted);`,
    'CPU is the time the process itself used (user + system), which moves less than the wall time when other work shares the machine.',
    '',
    '| what | command | median | min–max | CPU (median) | target | |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...figures.timings.map(row),
    '',
    'The published binary is one file (esbuild bundles the dispatcher, `validate`, `schema`,',
    '`init` and zod, yaml, luxon: scripts/build.cjs); discord.js, telegraf, ioredis, BullMQ and the',
    'canvas load only in the subcommands that use them.',
    '<!-- /bench:cli -->',
  ].join('\n');
}
