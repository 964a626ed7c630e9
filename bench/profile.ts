/**
 * The `profile` section of BENCHMARKS.md (`npm run bench -- --only profile`): where each
 * platform bot's CPU goes during a surge. It runs the surge rehearsal twice from a cold start
 * (the Telegram bot on long polling, then on a webhook; the Discord bot on its gateway both
 * times) with each thread's V8 CPU profiler on from the first press to the last answer, writes
 * the profiles (`.cpuprofile`, for Chrome DevTools or speedscope) to `--profile-dir`, and
 * summarizes them per layer and per function (rehearsal/profile.ts).
 */
import { join } from 'node:path';
import { loadCampaignFile } from '../src/config';
import { readFile } from 'node:fs/promises';
import { rehearse, type RehearsalReport } from '../rehearsal/rehearse';
import { formatSummary, summarizeProfiles, type CpuProfile, type FunctionTime, type ProfileSummary } from '../rehearsal/profile';
import { REHEARSAL_CAMPAIGN } from './rehearsal';

/** The sampling interval: fine enough for a 10 µs function, cheap enough not to change the picture. */
export const PROFILE_INTERVAL_US = 250;

export interface ProfiledRun {
  readonly telegram: 'polling' | 'webhook';
  readonly report: RehearsalReport;
}

export interface ProfileFigures {
  readonly fans: number;
  readonly rate: number;
  readonly dir: string;
  readonly runs: readonly ProfiledRun[];
  /** Per column: the threads' summary and their measured CPU per fan (ms). */
  readonly columns: readonly { readonly title: string; readonly summary: ProfileSummary; readonly cpuMsPerFan: number | null; readonly files: readonly string[] }[];
}

async function readProfile(file: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
}

const mean = (values: readonly (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
};

/** Runs the two profiled rehearsals and summarizes their profiles; prints progress on stderr. */
export async function benchProfile(options: { fans: number; rate: number; dir: string; log?: (line: string) => void }): Promise<ProfileFigures> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const loaded = loadCampaignFile(REHEARSAL_CAMPAIGN);
  if (!loaded.ok) throw new Error(`${REHEARSAL_CAMPAIGN} is not valid`);
  const runs: ProfiledRun[] = [];
  for (const telegram of ['polling', 'webhook'] as const) {
    log(`profile: ${options.fans} fans at ${options.rate}/s, cold, Discord gateway + Telegram ${telegram}`);
    const report = await rehearse({
      campaign: loaded.spec, fans: options.fans, rate: options.rate, warmup: 0, telegram,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: 'cocreate:bench:',
      profile: { dir: options.dir, name: `gateway-${telegram}`, intervalUs: PROFILE_INTERVAL_US },
      progress: (line) => log(`rehearse: ${line}`),
    });
    if (!report.profiles) throw new Error('the rehearsal wrote no profile');
    runs.push({ telegram, report });
  }
  const column = async (title: string, picks: readonly { file: string; cpu: number | null }[]) => ({
    title,
    summary: summarizeProfiles(await Promise.all(picks.map((p) => readProfile(p.file))), 40),
    cpuMsPerFan: mean(picks.map((p) => p.cpu)),
    files: picks.map((p) => p.file),
  });
  const [polling, webhook] = runs as [ProfiledRun, ProfiledRun];
  const columns = [
    await column('Discord bot (gateway; both runs)', runs.map((r) => ({ file: r.report.profiles!.discord, cpu: r.report.cpuMsPerFan.discord }))),
    await column('Telegram bot (long polling)', [{ file: polling.report.profiles!.telegram, cpu: polling.report.cpuMsPerFan.telegram }]),
    await column('Telegram bot (webhook)', [{ file: webhook.report.profiles!.telegram, cpu: webhook.report.cpuMsPerFan.telegram }]),
    await column('stand-ins and crowd (both runs)', runs.map((r) => ({ file: r.report.profiles!.crowd, cpu: r.report.cpuMsPerFan.crowd }))),
  ];
  for (const c of columns) log(formatSummary(c.title, c.summary, c.cpuMsPerFan).join('\n'));
  return { fans: options.fans, rate: options.rate, dir: options.dir, runs, columns };
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
const escape = (text: string) => text.replace(/\|/g, '\\|');

/** Library and project functions only: Node's own trampolines (microtasks, emit…) say nothing. */
function telling(f: FunctionTime): boolean {
  return !f.layer.startsWith('Node core') && !f.layer.startsWith('native') && !f.layer.startsWith('(program)') && f.layer !== 'garbage collector';
}

function functionTable(summary: ProfileSummary, by: 'self' | 'total', rows: number): string[] {
  const list = by === 'self' ? summary.bySelf : summary.byTotal.filter(telling);
  const total = new Map(summary.byTotal.map((f) => [`${f.name}@${f.where}`, f.totalMs]));
  return [
    '| self | total | function | where | layer |',
    '| ---: | ---: | --- | --- | --- |',
    ...list.slice(0, rows).map((f) => {
      const t = by === 'self' ? (total.get(`${f.name}@${f.where}`) ?? f.selfMs) : f.totalMs;
      return `| ${pct(f.selfMs / summary.busyMs)} | ${pct(t / summary.busyMs)} | \`${escape(f.name)}\` | ${escape(f.where)} | ${f.layer} |`;
    }),
  ];
}

/** The BENCHMARKS.md section (between `<!-- bench:profile -->` markers). */
export function profileSection(f: ProfileFigures, meta: { machine: string; command: string; date: string }): string {
  const layers = new Map<string, number>();
  for (const c of f.columns.slice(0, 3)) for (const l of c.summary.layers) layers.set(l.layer, (layers.get(l.layer) ?? 0) + l.share);
  const order = [...layers].sort((a, b) => b[1] - a[1]).map(([layer]) => layer);
  const cell = (c: ProfiledRun | ProfileFigures['columns'][number], layer: string) => {
    if (!('summary' in c)) return '';
    const l = c.summary.layers.find((x) => x.layer === layer);
    if (!l) return '';
    return c.cpuMsPerFan === null ? pct(l.share) : `${pct(l.share)} · ${us(l.share * c.cpuMsPerFan)}`;
  };
  const bots = f.columns.slice(0, 3);
  const runLine = (r: ProfiledRun) => `\`npx cocreate rehearse ${REHEARSAL_CAMPAIGN} --fans ${f.fans} --rate ${f.rate} --warmup 0${r.telegram === 'webhook' ? ' --telegram webhook' : ''}\`: ` +
    `${r.report.lost} lost, ack p99 ${r.report.ackMs.p99} ms (Discord ${r.report.ackMsBy.discord.p99}, Telegram ${r.report.ackMsBy.telegram.p99}), ` +
    `CPU per fan ${r.report.cpuMsPerFan.discord ?? '?'} / ${r.report.cpuMsPerFan.telegram ?? '?'} / ${r.report.cpuMsPerFan.crowd ?? '?'} ms (Discord bot / Telegram bot / stand-ins)`;
  const lines = [
    '<!-- bench:profile -->',
    '## Where the time goes: CPU profiles of the surge',
    '',
    `- machine: ${meta.machine}`,
    `- command: \`${meta.command}\`; profiles written to \`${f.dir}\` (open them in Chrome DevTools or speedscope)`,
    `- date: ${meta.date}`,
    ...f.runs.map((r) => `- run: ${runLine(r)}`),
    '',
    `Each thread samples its own stack every ${PROFILE_INTERVAL_US} µs (V8's CPU profiler, through the inspector) from the`,
    'first press to the last answer. A sample is charged to the function on top of the stack (self time), and that',
    'function to a layer by the package or project folder it comes from. A share is of the thread\'s busy samples;',
    '"µs" is that share of the CPU per fan the thread measured (from /proc, the profiler\'s own cost included). On a',
    'shared machine a preempted thread\'s samples land on whatever it was running, so times stretch with the load',
    'while shares stay meaningful.',
    '',
    `| layer | ${bots.map((c) => c.title).join(' | ')} |`,
    `| --- | ${bots.map(() => '---:').join(' | ')} |`,
    `| CPU per fan, measured | ${bots.map((c) => (c.cpuMsPerFan === null ? '?' : us(c.cpuMsPerFan))).join(' | ')} |`,
    ...order.map((layer) => `| ${layer} | ${bots.map((c) => cell(c, layer)).join(' | ')} |`),
    '',
  ];
  for (const c of bots) {
    lines.push(`### ${c.title}: top functions`, '', 'By self time:', '', ...functionTable(c.summary, 'self', 15), '', 'By total time (libraries and project code):', '', ...functionTable(c.summary, 'total', 15), '');
  }
  const crowd = f.columns[3]!;
  lines.push(
    `The stand-ins and the crowd (the other thread, ${crowd.cpuMsPerFan === null ? '?' : us(crowd.cpuMsPerFan)} per fan): ` +
      crowd.summary.layers.slice(0, 6).map((l) => `${l.layer} ${pct(l.share)}`).join(', ') + '.',
    '<!-- /bench:profile -->',
  );
  return lines.join('\n');
}

/** Where `npm run bench -- --only profile` writes the profiles unless `--profile-dir` says otherwise. */
export const DEFAULT_PROFILE_DIR = join('profiles');
