/** `cocreate simulate FILE --fans N …`: plays a whole campaign in virtual time with a synthetic crowd. */
import { SingleBar } from 'cli-progress';
import type { CampaignSpec } from '../../model/campaign';
import type { Clock } from '../../ports/clock';
import type { MemoryCampaignStore } from '../../stores/memory/memory-store';
import { parseCommandArgs } from '../args';
import { environment, loadCampaigns, type RunEnv } from '../campaign-files';
import { CliError } from '../cli-error';
import { resultsJson, winnersTable } from '../results-format';
import { saveState, statePath } from '../runtime';
import { simulate } from '../simulate';
import { connectRedis, rememberDefinitions } from '../stored-campaign';
import { USAGES } from '../usage';

/** Plays the campaign, saves it (embedded store or Redis) and prints the winners or the results document. */
export async function simulateCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, {
    fans: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, 'no-save': { type: 'boolean' }, redis: { type: 'string' },
  }, USAGES.simulate);
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CliError(`simulate needs exactly one FILE\n\n${USAGES.simulate}`, 2);
  const env = environment();
  const fans = Number(values.fans ?? '1000');
  if (!Number.isInteger(fans) || fans < 1 || fans > 10_000_000) throw new CliError('--fans takes a whole number from 1 to 10000000', 2);
  const [campaign] = loadCampaigns([file]);
  const spec = campaign!.spec;
  const redisUrl = values.redis;
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'simulating {bar} {percentage}% | {value}/{total} actions', hideCursor: true, clearOnComplete: true, stream: process.stderr }) : null;
  let started = false;
  const sim = await simulate(spec, {
    fans, seed: values.seed ?? 'cocreate',
    ...(redisUrl ? { runtime: (played, clock) => redisForSimulation(played, clock, redisUrl, env) } : {}),
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
    },
  });
  bar?.stop();
  const save = !values['no-save'] && !redisUrl;
  // On Redis the played campaign stays there: its definition with it, for results and recount.
  if (redisUrl) await rememberDefinitions(sim.runtime.store, [campaign!]);
  if (save) await saveState(sim.runtime.store as MemoryCampaignStore, spec, statePath(spec.id, env.config.dataDir));
  await sim.runtime.close();
  if (values.json) {
    process.stdout.write(resultsJson(sim.document, sim.exported));
  } else {
    process.stdout.write(`${spec.title}: ${fans} simulated fans, ${sim.stats.actions} actions\n\n`);
    process.stdout.write(winnersTable(spec, sim.document));
    const refused = Object.entries(sim.stats.refused).map(([code, n]) => `${code} ${n}`).join(', ');
    process.stdout.write(`\nrefused: ${refused || 'none'}\n`);
    if (save) process.stdout.write(`state saved to ${statePath(spec.id, env.config.dataDir)} (see: cocreate results ${spec.id})\n`);
    if (redisUrl) process.stdout.write(`state kept in Redis under ${env.config.redisPrefix} (see: REDIS_URL=… cocreate results ${spec.id})\n`);
  }
  return 0;
}

/**
 * A simulation on Redis: the Redis store and outbox, with phases run on the simulation's
 * virtual clock. Refuses a campaign that already has state there (it may be a live one).
 */
async function redisForSimulation(campaign: CampaignSpec, clock: Clock, url: string, env: RunEnv) {
  const runtime = await connectRedis({ campaigns: [campaign], clock, url, env, scheduler: 'memory' });
  if ((await runtime.store.listCampaigns()).includes(campaign.id)) {
    await runtime.close();
    throw new CliError(`campaign "${campaign.id}" already has state in this Redis under the prefix "${env.config.redisPrefix}": simulate with another COCREATE_REDIS_PREFIX`);
  }
  return runtime;
}
