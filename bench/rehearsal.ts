/**
 * The `rehearsal` section of BENCHMARKS.md: `cocreate rehearse` (src/cli/rehearse.ts) run from
 * the bench, a TV-spot surge through the real discord.js and telegraf clients against the
 * local stand-ins, on the Redis at REDIS_URL (or 127.0.0.1:6379) under a prefix it deletes.
 */
import { loadCampaignFile } from '../src/config';
import { rehearse, type RehearsalReport } from '../src/cli/rehearse';

export const REHEARSAL_CAMPAIGN = 'campaigns/danone-michalak.yaml';

export async function benchRehearsal(options: { fans: number; rate: number }): Promise<RehearsalReport> {
  const loaded = loadCampaignFile(REHEARSAL_CAMPAIGN);
  if (!loaded.ok) throw new Error(`${REHEARSAL_CAMPAIGN} is not valid`);
  return rehearse({
    campaign: loaded.spec, fans: options.fans, rate: options.rate,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: 'cocreate:bench:',
    progress: (line) => process.stderr.write(`rehearse: ${line}\n`),
  });
}

export function rehearsalSection(r: RehearsalReport, meta: { machine: string; command: string; date: string }): string {
  const codes = Object.entries(r.refusals).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  return [
    '<!-- bench:rehearsal -->',
    '## Surge rehearsal (`cocreate rehearse`)',
    '',
    `- machine: ${meta.machine}`,
    `- command: \`${meta.command}\` (the same as \`npx cocreate rehearse ${REHEARSAL_CAMPAIGN} --fans ${r.fans} --rate ${r.rate}\`)`,
    `- date: ${meta.date}`,
    '',
    '| fans | rate | Discord / Telegram | accepted | refused | lost | ack p50 / p99 / max | final answer p50 / p99 / max | outbox 429s | duration | verdict |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${r.fans.toLocaleString('en')} | ${r.rate}/s | ${r.platforms.discord.toLocaleString('en')} / ${r.platforms.telegram.toLocaleString('en')} | ${r.accepted.toLocaleString('en')} | ${r.refused.toLocaleString('en')} | ${r.lost.toLocaleString('en')} | ${r.ackMs.p50} / ${r.ackMs.p99} / ${r.ackMs.max} ms | ${r.answerMs.p50} / ${r.answerMs.p99} / ${r.answerMs.max} ms | ${r.outbox429} | ${r.seconds} s | ${r.ok ? 'ok' : 'FAILED'} |`,
    '',
    `Refusals: ${codes}. Each fan presses the ballot the bot posted (half on Discord, half on Telegram);`,
    '"ack" is the time from the interaction to its first answer (the Discord deferral, which Discord',
    'wants within 3 s; Telegram\'s answerCallbackQuery), "final answer" the time to the reply carrying',
    'the ballot Redis recorded. "lost" counts presses never answered plus accepted ballots missing',
    'from the store. Everything (the stand-ins, both clients, the engine) runs in one Node process,',
    'Redis in another, on the same cores.',
    '<!-- /bench:rehearsal -->',
  ].join('\n');
}
