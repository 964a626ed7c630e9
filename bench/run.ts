/**
 * `npm run bench`: figures, not tests. Prints them and writes them to BENCHMARKS.md with the
 * machine and the command: the memory-store section, then the Redis section (bench/redis.ts,
 * on private redis-servers it starts and stops), then the surge rehearsal (bench/rehearsal.ts,
 * on REDIS_URL or 127.0.0.1:6379), then the command line's start (bench/cli.ts). Options: --ballots N
 * (default 1000000), --fans N (default 100000) and --rate R (default 1667 fans/s) for the rehearsal,
 * --acks N (default 60000 ballots per ack mode) for the durability section (bench/durability.ts),
 * --categories N (the largest simulated file, default MAX_CATEGORIES) and --simulate-fans N (default
 * 100) for the simulate section (bench/simulate.ts), --runs N (default 10) for the command line,
 * --only memory|redis|durability|simulate|cli|rehearsal|profile,
 * --no-write. `--only profile` (not part of the default run) profiles the rehearsal's bots
 * (bench/profile.ts; --fans defaults to 20000 there, --profile-dir to profiles/).
 */
import { cpus, totalmem, type as osType, release } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { VirtualClock } from '../src/clock/virtual-clock';
import { embeddedRuntime } from '../src/cli/runtime';
import { benchRedis, redisSection } from './redis';
import { benchRehearsal, rehearsalSection } from './rehearsal';
import { benchSimulate, simulateSection } from './simulate';
import { benchDurability, durabilitySection } from './durability';
import { benchProfile, DEFAULT_PROFILE_DIR, profileSection } from './profile';
import { benchCli, cliSection } from './cli';
import type { Actor, CampaignSpec, CategorySpec, VoteRule } from '../src/model/campaign';

const HOUR = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);

function spec(vote: VoteRule, options = 10): CampaignSpec {
  const category: CategorySpec = {
    id: 'bench', title: 'Bench', options: Array.from({ length: options }, (_, i) => `Option ${i}`),
    phases: [{ phase: 'vote', start: T0, end: T0 + 24 * HOUR }], revealAt: T0 + 24 * HOUR,
    proposals: { minLength: 1, maxLength: 100, perFan: 1 },
    shortlist: { by: 'curators', size: options }, vote, reveal: { winners: 3, tieBreak: 'earliest' },
  };
  return {
    id: 'bench', title: 'Bench', locale: 'en', channels: { discord: [], telegram: [] },
    roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: [] } }, categories: [category],
  };
}

interface Figures {
  readonly label: string;
  readonly ballots: number;
  readonly sequentialPerSec: number;
  readonly inFlightPerSec: number;
  readonly revealMs: number;
  readonly heapBytesPerBallot: number;
}

async function benchMethod(label: string, vote: VoteRule, ballots: number): Promise<Figures> {
  const campaign = spec(vote);
  const clock = new VirtualClock(T0 + HOUR);
  const runtime = embeddedRuntime({ campaigns: [campaign], clock });
  await runtime.engine.start();
  const options = (await runtime.store.getShortlist('bench', 'bench')).map((p) => p.id);
  const choiceFor = (i: number): string[] => {
    const a = options[i % options.length]!;
    const b = options[(i * 7 + 3) % options.length]!;
    return vote.method === 'single' || a === b ? [a] : [a, b];
  };
  const actor = (i: number): Actor => ({ platform: 'telegram', userId: String(i), displayName: `fan ${i}` });
  const vote1 = (i: number) => runtime.engine.execute({ type: 'vote', campaignId: 'bench', categoryId: 'bench', choice: choiceFor(i) }, actor(i));

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  // Half the ballots one after the other (each awaited: acknowledged before the next)…
  const half = Math.floor(ballots / 2);
  let t = performance.now();
  for (let i = 0; i < half; i++) {
    const r = await vote1(i);
    if (!r.ok) throw new Error(`ballot ${i} refused: ${r.code}`);
  }
  const sequentialPerSec = half / ((performance.now() - t) / 1000);
  // …and the other half with 100 in flight, as many fans pressing at once.
  t = performance.now();
  for (let i = half; i < ballots; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(i + 100, ballots); j++) batch.push(vote1(j));
    for (const r of await Promise.all(batch)) if (!r.ok) throw new Error(`ballot refused: ${r.code}`);
  }
  const inFlightPerSec = (ballots - half) / ((performance.now() - t) / 1000);
  global.gc?.();
  const heapBytesPerBallot = (process.memoryUsage().heapUsed - heapBefore) / ballots;

  // Reveal: close the vote and count it, as the scheduler does at the deadline.
  t = performance.now();
  await clock.runUntil(T0 + 24 * HOUR);
  await new Promise((r) => setImmediate(r));
  const results = await runtime.store.getResults('bench', 'bench');
  const revealMs = performance.now() - t;
  if (results?.ballots !== ballots) throw new Error(`reveal counted ${results?.ballots} ballots, expected ${ballots}`);
  await runtime.close();
  return { label, ballots, sequentialPerSec, inFlightPerSec, revealMs, heapBytesPerBallot };
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${osType()} ${release()}, Node ${process.version}`;
}

/** What a section needs to run and publish itself. */
interface SectionContext {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly meta: { readonly machine: string; readonly command: string; readonly date: string };
  readonly command: string;
}

/** After an overloaded surge the clients may still be chewing on stale events: do not hang. */
function exitSoon(): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), 5_000).unref();
}

const num = (value: string | boolean | undefined, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);

/**
 * Every section of BENCHMARKS.md, in the order of a full run: one entry each, so that adding a
 * section is one entry here and one option in OPTIONS. `inDefault: false`: only with --only.
 */
const SECTIONS: readonly { readonly name: string; readonly inDefault: boolean; readonly run: (ctx: SectionContext) => Promise<string> }[] = [
  { name: 'memory', inDefault: true, run: ({ values, command }) => memorySection(num(values.ballots, 1_000_000), command) },
  { name: 'redis', inDefault: true, run: async ({ values, meta }) => redisSection(await benchRedis({ ballots: num(values.ballots, 1_000_000) }), meta) },
  { name: 'durability', inDefault: true, run: async ({ values, meta }) => durabilitySection(await benchDurability({ ballots: num(values.acks, 60_000) }), meta) },
  {
    name: 'simulate', inDefault: true,
    run: async ({ values, meta }) => simulateSection(await benchSimulate({ fans: num(values['simulate-fans'], 100), ...(values.categories ? { limit: num(values.categories, 0) } : {}) }), meta),
  },
  { name: 'cli', inDefault: true, run: async ({ values, meta }) => cliSection(benchCli({ runs: num(values.runs, 10) }), meta) },
  {
    name: 'rehearsal', inDefault: true,
    run: async ({ values, meta }) => {
      exitSoon();
      return rehearsalSection(await benchRehearsal({ fans: num(values.fans, 100_000), rate: num(values.rate, 1667), warmRuns: 3 }), meta);
    },
  },
  {
    name: 'profile', inDefault: false,
    run: async ({ values, meta }) => {
      exitSoon();
      const dir = typeof values['profile-dir'] === 'string' ? values['profile-dir'] : DEFAULT_PROFILE_DIR;
      return profileSection(await benchProfile({ fans: num(values.fans, 20_000), rate: num(values.rate, 1667), dir }), meta);
    },
  },
];

/** Every option; each one given is repeated in the published command. */
const OPTIONS = ['ballots', 'acks', 'fans', 'rate', 'categories', 'simulate-fans', 'runs', 'profile-dir'] as const;

async function main(): Promise<void> {
  const parsed = parseArgs({
    options: { 'no-write': { type: 'boolean' }, only: { type: 'string' }, ...Object.fromEntries(OPTIONS.map((o) => [o, { type: 'string' as const }])) },
  });
  const values: Readonly<Record<string, string | boolean | undefined>> = parsed.values;
  const only = parsed.values.only;
  const names = SECTIONS.map((section) => section.name);
  if (only !== undefined && !names.includes(only)) throw new Error(`--only takes ${names.join(', ')}, not ${only}`);
  const extra = [only ? ` --only ${only}` : '', ...OPTIONS.map((o) => (typeof values[o] === 'string' ? ` --${o} ${values[o]}` : ''))].join('');
  const command = `npm run bench${extra ? ` --${extra}` : ''}`;
  const meta = { machine: machine(), command, date: new Date().toISOString().slice(0, 10) };
  const write = !values['no-write'];
  for (const section of SECTIONS) {
    if (only === undefined ? !section.inDefault : only !== section.name) continue;
    await publish(section.name, await section.run({ values, meta, command }), write);
  }
}

async function memorySection(ballots: number, command: string): Promise<string> {
  const runs = [
    await benchMethod('single choice', { method: 'single', allowChange: true }, ballots),
    await benchMethod('approval (≤2 choices)', { method: 'approval', maxChoices: 2, allowChange: true }, ballots),
    await benchMethod('ranked (counted at reveal from raw ballots)', { method: 'ranked', allowChange: true }, ballots),
  ];
  const lines = [
    '<!-- bench:memory -->',
    '## Engine on the embedded memory store',
    '',
    `- machine: ${machine()}`,
    `- command: \`${command}\``,
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| ballots | method | ballots/s, one at a time | ballots/s, 100 in flight | reveal (close + count + publish) | heap per ballot |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...runs.map((r) => `| ${r.ballots.toLocaleString('en')} | ${r.label} | ${Math.round(r.sequentialPerSec).toLocaleString('en')} | ${Math.round(r.inFlightPerSec).toLocaleString('en')} | ${r.revealMs.toFixed(1)} ms | ${Math.round(r.heapBytesPerBallot)} B |`),
    '',
    'Every ballot goes through `Engine.execute` (permission check, ballot shape, the store\'s gated',
    'one-ballot-per-fan cast with its incremental tally) and is awaited before it counts as done.',
    'Single and approval reveals read the incremental tally (no scan); ranked reveals run the',
    'instant-runoff over the raw ballots, as documented.',
    '<!-- /bench:memory -->',
  ];
  return lines.join('\n');
}

/** Prints a section and, when `write`, puts it between its markers in BENCHMARKS.md (replacing the old one). */
async function publish(name: string, section: string, write: boolean): Promise<void> {
  process.stdout.write(`${section}\n`);
  if (!write) return;
  let doc = '# Benchmarks\n\nFigures written by `npm run bench`. Each section names its machine and command.\n';
  try { doc = await readFile('BENCHMARKS.md', 'utf8'); } catch { /* first run */ }
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  doc = re.test(doc) ? doc.replace(re, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
  await writeFile('BENCHMARKS.md', doc);
  process.stdout.write('\nwritten to BENCHMARKS.md\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
