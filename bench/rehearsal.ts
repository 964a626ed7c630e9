/**
 * The `rehearsal` section of BENCHMARKS.md: `cocreate rehearse` (rehearsal/rehearse.ts) run from
 * the bench, a TV-spot surge through the real discord.js and telegraf clients against the
 * local stand-ins, on the Redis at REDIS_URL (or 127.0.0.1:6379) under a prefix it deletes.
 * It runs the surge several times on warm bots (after early fans, as in a campaign whose vote
 * is open before the spot airs) and once from a cold start, and publishes every run.
 */
import { loadCampaignFile } from '../src/config';
import { defaultWarmup, rehearse, type RehearsalReport } from '../rehearsal/rehearse';

export const REHEARSAL_CAMPAIGN = 'campaigns/danone-michalak.yaml';

export async function benchRehearsal(options: { fans: number; rate: number; warmRuns: number }): Promise<RehearsalReport[]> {
  const loaded = loadCampaignFile(REHEARSAL_CAMPAIGN);
  if (!loaded.ok) throw new Error(`${REHEARSAL_CAMPAIGN} is not valid`);
  const reports: RehearsalReport[] = [];
  for (const warmup of [...Array.from({ length: options.warmRuns }, () => defaultWarmup(options.fans)), 0]) {
    process.stderr.write(`rehearse: run ${reports.length + 1}, ${warmup > 0 ? `after ${warmup} early fans` : 'cold start'}\n`);
    reports.push(await rehearse({
      campaign: loaded.spec, fans: options.fans, rate: options.rate, warmup,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: 'cocreate:bench:',
      progress: (line) => process.stderr.write(`rehearse: ${line}\n`),
    }));
  }
  return reports;
}

const n = (value: number) => value.toLocaleString('en');
const ms = (p: { p50: number; p99: number; max: number }) => `${p.p50} / ${p.p99} / ${p.max} ms`;

export function rehearsalSection(reports: readonly RehearsalReport[], meta: { machine: string; command: string; date: string }): string {
  const first = reports[0];
  if (!first) throw new Error('no rehearsal to publish');
  const row = (r: RehearsalReport) => [
    r.warmup.fans > 0 ? `warm (${n(r.warmup.fans)} early fans at ${r.warmup.rate}/s)` : 'cold start',
    `${n(r.fans)} at ${r.rate}/s`, `${n(r.platforms.discord)} / ${n(r.platforms.telegram)}`, n(r.accepted), n(r.refused), n(r.lost),
    ms(r.ackMs), ms(r.ackMsBy.discord), ms(r.ackMsBy.telegram), String(r.outbox429),
    `${r.cpuMsPerFan.discord ?? '?'} / ${r.cpuMsPerFan.telegram ?? '?'} / ${r.cpuMsPerFan.crowd ?? '?'} ms`,
    `${r.seconds} s`, r.ok ? 'ok' : 'FAILED',
  ];
  const codes = [...new Set(reports.flatMap((r) => Object.entries(r.refusals).map(([code, count]) => `${code} ${count}`)))].join(', ') || 'none';
  return [
    '<!-- bench:rehearsal -->',
    '## Surge rehearsal (`cocreate rehearse`)',
    '',
    `- machine: ${meta.machine}`,
    `- command: \`${meta.command}\` (each row is \`npx cocreate rehearse ${REHEARSAL_CAMPAIGN} --fans ${first.fans} --rate ${first.rate} --warmup W\`, W = ${defaultWarmup(first.fans)} for the warm runs, 0 for the cold one)`,
    `- date: ${meta.date}`,
    '',
    '| bots | surge | Discord / Telegram fans | accepted | refused | lost | ack p50 / p99 / max | on Discord | on Telegram | outbox 429s | CPU per fan: Discord bot / Telegram bot / stand-ins | surge duration | verdict |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...reports.map((r) => `| ${row(r).join(' | ')} |`),
    '',
    `Refusals: ${codes}. Each fan presses the ballot the bot posted (half on Discord, half on Telegram);`,
    '"ack" is the time from the interaction to its first answer (on Discord the reply itself, or a',
    'deferral when the engine is late, which Discord wants within 3 s; Telegram\'s answerCallbackQuery).',
    '"lost" counts presses never answered plus accepted ballots missing from the store; accepted,',
    'refused and lost include the early fans. The verdict asks for nothing lost, an ack p99 under',
    '3 s and no 429. Each platform\'s bot runs in a thread of its own with its own engine, Redis',
    'connection and outbox (as one process per platform on one Redis), the stand-ins and the fans',
    'in another, Redis in its own process: all of them on the machine\'s 2 cores.',
    '<!-- /bench:rehearsal -->',
  ].join('\n');
}
