/**
 * `cocreate`, the one binary and the composition root: the only place that wires
 * configuration, store, scheduler, outbox and adapters together.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { SingleBar } from 'cli-progress';
import { SystemClock } from '../clock/system';
import { formatProblem, loadCampaignFile, loadEnv } from '../config';
import type { CampaignSpec } from '../engine/model';
import type { ResultsDocument } from '../engine/engine';
import { LocalChat } from '../../adapters/local/chat';
import { embeddedRuntime, loadState, redisRuntime, saveState, statePath } from './runtime';
import type { Clock } from '../ports/clock';
import type { MemoryCampaignStore } from '../stores/memory/store';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { simulate } from './simulate';
import { startPlatforms, type RunningPlatform } from './platforms';
import { resultsCsv, winnersTable } from './format';
import { discordCommand } from './discord';
import { auditLine, manifestJson, readManifest } from './manifest';

const USAGE = `Usage: cocreate <command> [options]

  validate FILE…                          check campaign files; one "ok" line per valid file
  run [FILE…] [--from-now]                run the bot (the local terminal chat when no platform token is set)
  simulate FILE --fans N [--seed S] [--json] [--redis URL]
                                          play the whole campaign in virtual time with a synthetic crowd
  results ID [--format json|csv|manifest] [--no-ballots]
                                          the results of a campaign from the store (manifest: the verifiable results)
  recount ID                              recount every tally from the raw ballots; exit 1 if any differs
  verify MANIFEST                         recount from the store and check a results manifest; exit 1 if anything differs
  audit ID [--json]                       the audit log: every manager and curator action
  discord register-commands [--guild ID]  register the Discord slash commands (on one server, else globally)

Options of run:
  --from-now    shift the campaign's schedule so that its first phase opens now (to try a past campaign)
`;

/** An expected failure: printed as one clean line, never a stack trace. */
class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate': return validate(rest);
    case 'run': return run(rest);
    case 'simulate': return simulateCommand(rest);
    case 'results': return results(rest);
    case 'recount': return recount(rest);
    case 'verify': return verify(rest);
    case 'audit': return audit(rest);
    case 'discord': return discordCommand(rest);
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  }
}

function args<const O extends ParseArgsOptionsConfig>(rest: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
}

async function validate(rest: readonly string[]): Promise<number> {
  const { positionals } = args(rest, {});
  if (positionals.length === 0) throw new CliError('validate needs at least one FILE', 2);
  let failed = false;
  for (const file of positionals) {
    const loaded = await loadCampaignFile(file);
    if (loaded.ok) {
      process.stdout.write(`ok ${file}\n`);
    } else {
      failed = true;
      for (const problem of loaded.problems) process.stdout.write(`${formatProblem(problem)}\n`);
    }
  }
  return failed ? 1 : 0;
}

/** Loads campaign files; every problem of every file is printed before giving up. */
async function loadSpecs(files: readonly string[]): Promise<CampaignSpec[]> {
  const specs: CampaignSpec[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const loaded = await loadCampaignFile(file);
    if (loaded.ok) specs.push(loaded.spec);
    else problems.push(...loaded.problems.map(formatProblem));
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'));
  const ids = specs.map((s) => s.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new CliError(`two campaign files declare the id "${twice}"`);
  return specs;
}

/** The environment, validated; every problem at once. */
function environment() {
  const env = loadEnv(process.env);
  if (!env.ok) throw new CliError(`the environment has problems:\n${env.problems.join('\n')}`);
  return env;
}

async function run(rest: readonly string[]): Promise<number> {
  const { positionals, values } = args(rest, { 'from-now': { type: 'boolean' } });
  const env = environment();
  const files = positionals.length > 0 ? positionals : env.config.campaigns;
  const clock = new SystemClock();
  let specs = await loadSpecs(files);
  if (values['from-now']) specs = specs.map((s) => shiftToNow(s, clock.now()));

  // Redis when REDIS_URL is set (durable, several processes); else the embedded memory store,
  // saved to COCREATE_DATA_DIR when the chat ends.
  const { redisUrl } = env.config;
  const embedded = redisUrl ? null : embeddedRuntime({ campaigns: specs, clock });
  const runtime = redisUrl ? await connectRedis({ campaigns: specs, clock, url: redisUrl, env }) : embedded!;
  if (embedded && !values['from-now']) {
    for (const spec of specs) await loadState(embedded.store, spec.id, statePath(spec.id, env.config.dataDir));
  }
  // The platforms whose token is set; the local terminal chat when there is none.
  let platforms: RunningPlatform[];
  try {
    platforms = await startPlatforms({
      engine: runtime.engine, campaigns: specs, outbox: runtime.outbox, config: env.config,
      log: (line) => process.stderr.write(`cocreate: ${line}\n`),
    });
  } catch (error) {
    await runtime.close();
    throw new CliError((error as Error).message);
  }
  const chat = platforms.length > 0 ? null : new LocalChat({
    engine: runtime.engine, campaigns: specs, input: process.stdin, output: process.stdout,
    ...(env.config.locale ? { locale: env.config.locale } : {}),
  });
  if (chat) runtime.outbox.register('local', chat.deliver, chat.targets);
  await runtime.engine.start();
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await Promise.allSettled(platforms.map((p) => p.stop()));
    if (embedded) for (const spec of specs) await saveState(embedded.store, spec, statePath(spec.id, env.config.dataDir));
    await runtime.close();
  })());
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (chat) chat.start();
  await Promise.race([chat ? chat.closed : new Promise<never>(() => {}), signalled]);
  await stop();
  return 0;
}

/** The Redis runtime from the environment; a clear one-line error when Redis cannot be reached. */
async function connectRedis(options: { campaigns: readonly CampaignSpec[]; clock: Clock; url: string; env: RunEnv; scheduler?: 'memory' }) {
  try {
    return await redisRuntime({
      campaigns: options.campaigns, clock: options.clock, url: options.url,
      cluster: options.env.config.redisCluster, prefix: options.env.config.redisPrefix,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (REDIS_URL; unset it to use the embedded memory store)`);
  }
}

type RunEnv = ReturnType<typeof environment>;

/** The same campaign, with every window moved so that its first phase opens at `now`. */
function shiftToNow(spec: CampaignSpec, now: number): CampaignSpec {
  const first = Math.min(...spec.categories.map((c) => c.phases[0]?.start ?? c.revealAt));
  const by = now - first;
  return {
    ...spec,
    categories: spec.categories.map((c) => ({
      ...c, revealAt: c.revealAt + by, phases: c.phases.map((w) => ({ ...w, start: w.start + by, end: w.end + by })),
    })),
  };
}

async function simulateCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = args(rest, {
    fans: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, 'no-save': { type: 'boolean' }, redis: { type: 'string' },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CliError('simulate needs exactly one FILE', 2);
  const env = environment();
  const fans = Number(values.fans ?? '1000');
  if (!Number.isInteger(fans) || fans < 1 || fans > 10_000_000) throw new CliError('--fans takes a whole number from 1 to 10000000', 2);
  const [spec] = await loadSpecs([file]);
  const redisUrl = values.redis;
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'simulating {bar} {percentage}% | {value}/{total} actions', hideCursor: true, clearOnComplete: true, stream: process.stderr }) : null;
  let started = false;
  const sim = await simulate(spec!, {
    fans, seed: values.seed ?? 'cocreate',
    ...(redisUrl ? { runtime: (campaign, clock) => redisForSimulation(campaign, clock, redisUrl, env) } : {}),
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
    },
  });
  bar?.stop();
  const save = !values['no-save'] && !redisUrl;
  if (save) await saveState(sim.runtime.store as MemoryCampaignStore, spec!, statePath(spec!.id, env.config.dataDir));
  await sim.runtime.close();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(sim.document, null, 2)}\n`);
  } else {
    process.stdout.write(`${spec!.title}: ${fans} simulated fans, ${sim.stats.actions} actions\n\n`);
    process.stdout.write(winnersTable(spec!, sim.document));
    const refused = Object.entries(sim.stats.refused).map(([code, n]) => `${code} ${n}`).join(', ');
    process.stdout.write(`\nrefused: ${refused || 'none'}\n`);
    if (save) process.stdout.write(`state saved to ${statePath(spec!.id, env.config.dataDir)} (see: cocreate results ${spec!.id})\n`);
    if (redisUrl) process.stdout.write(`state kept in Redis under ${env.config.redisPrefix} (see: REDIS_URL=… cocreate results ${spec!.id})\n`);
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

/**
 * Opens a campaign for `results` and `recount`: from Redis when REDIS_URL is set (the campaign
 * file is found among COCREATE_CAMPAIGNS and campaigns/), else from the embedded store's saved state.
 */
async function openSaved(id: string) {
  const env = environment();
  const clock = new SystemClock({ unref: true });
  if (env.config.redisUrl) {
    const spec = await findCampaign(id, env.config.campaigns);
    const runtime = await connectRedis({ campaigns: [spec], clock, url: env.config.redisUrl, env, scheduler: 'memory' });
    if (!(await runtime.store.listCampaigns()).includes(id)) {
      await runtime.close();
      throw new CliError(`no state for campaign "${id}" in Redis under the prefix "${env.config.redisPrefix}"`);
    }
    return { runtime, spec };
  }
  const path = statePath(id, env.config.dataDir);
  const probe = embeddedRuntime({ campaigns: [], clock });
  const spec = await loadState(probe.store, id, path);
  if (!spec) throw new CliError(`no state for campaign "${id}" in ${path}: run or simulate it first (the embedded store keeps campaigns there)`);
  const runtime = embeddedRuntime({ campaigns: [spec], clock });
  await loadState(runtime.store, id, path);
  return { runtime, spec };
}

/** The campaign file declaring `id`, among the configured files and campaigns/. */
async function findCampaign(id: string, configured: readonly string[]): Promise<CampaignSpec> {
  const shipped = (await readdir('campaigns').catch(() => [])).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join('campaigns', f));
  for (const file of [...configured, ...shipped]) {
    const loaded = loadCampaignFile(file);
    if (loaded.ok && loaded.spec.id === id) return loaded.spec;
  }
  throw new CliError(`no campaign file declares the id "${id}" (looked in COCREATE_CAMPAIGNS and campaigns/)`);
}

async function results(rest: readonly string[]): Promise<number> {
  const { positionals, values } = args(rest, { format: { type: 'string' }, 'no-ballots': { type: 'boolean' } });
  const [id] = positionals;
  if (!id) throw new CliError('results needs a campaign ID', 2);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'manifest') throw new CliError('--format takes json, csv or manifest', 2);
  const { runtime, spec } = await openSaved(id);
  if (format === 'manifest') {
    const manifest = await runtime.engine.manifest(spec.id, { ballots: !values['no-ballots'] });
    await runtime.close();
    process.stdout.write(manifestJson(manifest));
    return 0;
  }
  const doc: ResultsDocument = await runtime.engine.report(spec.id);
  await runtime.close();
  process.stdout.write(format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : resultsCsv(spec, doc));
  return 0;
}

async function recount(rest: readonly string[]): Promise<number> {
  const { positionals } = args(rest, {});
  const [id] = positionals;
  if (!id) throw new CliError('recount needs a campaign ID', 2);
  const { runtime, spec } = await openSaved(id);
  const report = await runtime.engine.recount(spec.id);
  await runtime.close();
  for (const c of report.categories) {
    const verdict = c.differences.length === 0 ? 'ok' : `DIFFERS: ${c.differences.map((d) => `${d.option} stored ${d.stored} recounted ${d.recounted}`).join('; ')}`;
    process.stdout.write(`${c.id}: ${c.ballots} ballots, ${verdict}\n`);
  }
  return report.agrees ? 0 : 1;
}

async function verify(rest: readonly string[]): Promise<number> {
  const { positionals } = args(rest, {});
  const [file] = positionals;
  if (!file) throw new CliError('verify needs a MANIFEST file (see: cocreate results ID --format manifest)', 2);
  const read = await readManifest(file);
  if (!read.ok) throw new CliError(read.message);
  const { runtime, spec } = await openSaved(read.manifest.campaign);
  const report = await runtime.engine.verifyManifest(read.manifest);
  await runtime.close();
  if (report.categories.length === 0) process.stdout.write(`${spec.id}: the manifest lists no revealed category\n`);
  for (const c of report.categories) {
    process.stdout.write(`${c.id}: ${c.ballots} ballots, ${c.problems.length === 0 ? 'ok' : `DIFFERS: ${c.problems.join('; ')}`}\n`);
  }
  return report.ok ? 0 : 1;
}

async function audit(rest: readonly string[]): Promise<number> {
  const { positionals, values } = args(rest, { json: { type: 'boolean' } });
  const [id] = positionals;
  if (!id) throw new CliError('audit needs a campaign ID', 2);
  const { runtime, spec } = await openSaved(id);
  const entries = await runtime.engine.auditLog(spec.id);
  await runtime.close();
  if (values.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else process.stdout.write(entries.length === 0 ? `${spec.id}: no action recorded\n` : `${entries.map(auditLine).join('\n')}\n`);
  return 0;
}

/** Runs the command line and sets the exit code; expected failures print one clean line. */
export function cli(argv: readonly string[]): void {
  main(argv).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      if (error instanceof CliError) {
        process.stderr.write(`cocreate: ${error.message}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(`cocreate: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        process.exitCode = 70;
      }
    },
  );
}
