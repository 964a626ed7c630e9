/** `cocreate rehearse FILE …`: a surge replayed through the real adapters against local stand-ins. */
import { scrub } from '../../observe/logger';
import { formatRehearsal, rehearse } from '../../../rehearsal/rehearse';
import { parseCommandArgs } from '../args';
import { environment, loadCampaigns } from '../campaign-files';
import { CliError } from '../cli-error';
import { USAGES } from '../usage';

/** Prints the rehearsal's report; exit 1 when a ballot is lost, the p99 reaches 3 s, or a 429 was met. */
export async function rehearseCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { fans: { type: 'string' }, rate: { type: 'string' }, only: { type: 'string' }, warmup: { type: 'string' }, telegram: { type: 'string' }, json: { type: 'boolean' } }, USAGES.rehearse);
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CliError(`rehearse needs exactly one FILE\n\n${USAGES.rehearse}`, 2);
  const only = values.only;
  if (only !== undefined && only !== 'discord' && only !== 'telegram') throw new CliError('--only takes discord or telegram', 2);
  const telegram = values.telegram;
  if (telegram !== undefined && telegram !== 'webhook' && telegram !== 'polling') throw new CliError('--telegram takes webhook or polling', 2);
  const fans = Number(values.fans ?? '1000');
  const rate = Number(values.rate ?? '500');
  if (!Number.isInteger(fans) || fans < 1 || fans > 10_000_000) throw new CliError('--fans takes a whole number from 1 to 10000000', 2);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1_000_000) throw new CliError('--rate takes a number of fans per second above 0', 2);
  const warmup = values.warmup === undefined ? undefined : Number(values.warmup);
  if (warmup !== undefined && (!Number.isInteger(warmup) || warmup < 0 || warmup > 1_000_000)) throw new CliError('--warmup takes a whole number of early fans from 0 (a cold start) to 1000000', 2);
  const env = environment();
  if (env.config.redisCluster) throw new CliError('rehearse runs on a single Redis node: unset REDIS_CLUSTER', 2);
  const url = env.config.redisUrl ?? 'redis://127.0.0.1:6379';
  const [campaign] = loadCampaigns([file]);
  let report: Awaited<ReturnType<typeof rehearse>>;
  try {
    report = await rehearse({ campaign: campaign!.spec, fans, rate, ...(only ? { only } : {}), ...(warmup === undefined ? {} : { warmup }), ...(telegram ? { telegram } : {}), redisUrl: url, prefix: env.config.redisPrefix, progress: (line) => process.stderr.write(`rehearse: ${line}\n`) });
  } catch (error) {
    throw new CliError(`rehearsal failed: ${scrub((error as Error).message)}`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatRehearsal(report, `Redis ${scrub(url)}`));
  // After an overloaded surge the clients may still be chewing on stale events: do not hang.
  setTimeout(() => process.exit(process.exitCode ?? 0), 5_000).unref();
  return report.ok ? 0 : 1;
}
