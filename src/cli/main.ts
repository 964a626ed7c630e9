/**
 * `cocreate`, the one binary and the composition root: the only place that wires
 * configuration, store, scheduler, outbox and adapters together.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { SingleBar } from 'cli-progress';
import { SystemClock } from '../clock/system-clock';
import { formatProblem, loadCampaignFile, loadEnv } from '../config';
import { durabilityOf, redisEndpointOf } from '../config/env';
import type { CampaignSpec } from '../model/campaign';
import type { Engine, ResultsDocument } from '../engine/engine';
import { LocalChat } from '../../adapters/local/chat';
import { embeddedRuntime, loadState, redisRuntime, saveState, statePath, type DurabilityReport } from './runtime';
import type { Clock } from '../ports/clock';
import { MemoryCampaignStore } from '../stores/memory/memory-store';
import { SYSTEM_ACTOR } from '../model/campaign';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simulate } from './simulate';
import { startPlatforms, type RunningPlatform } from './start-platforms';
import { resultsJson, winnersTable } from './results-format';
import { exportCsv } from '../render/export-files';
import { renderResultsChart } from '../render/chart';
import { discordCommand } from './start-discord';
import { pastCampaignWarning, prepareCampaigns } from './prepare-campaigns';
import { formatRehearsal, rehearse } from '../../rehearsal/rehearse';
import { scrub } from '../observe/logger';
import { CommandGate } from './command-gate';
import { createLogger, secretsOf } from '../observe/logger';
import { Metrics, observeCommands } from '../observe/metrics';
import { startOpsServer } from '../observe/server';
import { auditLine, manifestJson, readManifest } from './manifest-io';

const USAGE = `Usage: cocreate <command> [options]

  validate FILE…                          check campaign files; one "ok" line per valid file
  run [FILE…] [--from-now] [--allow-past] run the bot (the local terminal chat when no platform token is set)
  simulate FILE --fans N [--seed S] [--json] [--redis URL]
                                          play the whole campaign in virtual time with a synthetic crowd
  results ID [--format json|csv|manifest] [--no-ballots] [--chart DIR]
                                          the results of a campaign from the store (CSV: one line per idea;
                                          manifest: the verifiable results); --chart writes one PNG per
                                          revealed category into DIR
  recount ID                              recount every tally from the raw ballots; exit 1 if any differs
  verify MANIFEST                         recount from the store and check a results manifest; exit 1 if anything differs
  audit ID [--json]                       the audit log: every manager and curator action
  discord register-commands [--guild ID]  register the Discord slash commands (on one server, else globally)
  fan export|erase PLATFORM:ID [--campaign ID]
                                          a fan's data as JSON, or erase the fan (every stored campaign by default)
  rehearse FILE [--fans N] [--rate R] [--warmup W] [--only discord|telegram] [--telegram webhook|polling] [--json]
                                          replay a surge of N fans voting at R per second through the real
                                          adapters against local stand-ins of Discord and Telegram, on Redis
                                          (half on each platform, or all on one with --only), after W early
                                          fans at 200/s (default N/10, at most 2000; 0: a cold start); the
                                          Telegram bot takes updates by long polling unless --telegram webhook

Options of run:
  --from-now    shift the campaign's schedule so that its first phase opens now (to try a past campaign);
                a session the embedded store saved in COCREATE_DATA_DIR is resumed instead
  --allow-past  start a campaign whose phases are all over (its results are announced at once)
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
    case 'fan': return fanCommand(rest);
    case 'rehearse': return rehearseCommand(rest);
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
      const past = pastCampaignWarning(file, loaded.spec, Date.now());
      if (past) process.stdout.write(`${past}\n`);
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
  const { positionals, values } = args(rest, { 'from-now': { type: 'boolean' }, 'allow-past': { type: 'boolean' } });
  // Installed first: a SIGTERM during the start is honoured once started, never a hard kill.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const env = environment();
  const { config } = env;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const files = positionals.length > 0 ? positionals : config.campaigns;
  const clock = new SystemClock();
  const onRedis = redisEndpointOf(config) !== undefined;
  const prepared = await prepareCampaigns(await loadSpecs(files), {
    now: clock.now(), fromNow: values['from-now'] === true, allowPast: values['allow-past'] === true,
    dataDir: onRedis ? null : config.dataDir, notice: (line) => process.stderr.write(`cocreate: ${line}\n`),
  });
  if (!prepared.ok) throw new CliError(prepared.message);
  const specs = prepared.specs;
  const metrics = new Metrics();
  const onError = (error: unknown, context: string) => logger.error({ err: error, context }, `${context}: ${error instanceof Error ? error.message : String(error)}`);

  // Redis when REDIS_URL (or REDIS_SENTINELS) is set (durable, several processes); else the
  // embedded memory store, saved to COCREATE_DATA_DIR when the chat ends.
  const embedded = onRedis ? null : embeddedRuntime({ campaigns: specs, clock, metrics, onError });
  // The drain is done below, before the platforms stop: close() then only closes.
  // One warning line; with the local terminal chat (which shares the terminal, see `lifecycle`
  // below) at debug, as every lifecycle line there: /status and /healthz?details still say it.
  const localChat = !config.discord && !config.telegram;
  const onWarning = (message: string, durability: DurabilityReport) => (localChat ? logger.debug : logger.warn).call(logger, { durability }, `durability: ${message}`);
  const runtime = onRedis ? await connectRedis({ campaigns: specs, clock, env, metrics, onError, onWarning, drainMs: 0 }) : embedded!;
  if (embedded) {
    for (const spec of specs) await loadState(embedded.store, spec.id, statePath(spec.id, config.dataDir));
  }
  let onPlatforms = false;
  // Every command goes through the gate (closed on shutdown), counted and logged.
  const gate = new CommandGate(observeCommands(runtime.engine, metrics, (command, actor, result, ms) => {
    const fields = { campaign: command.campaignId, actor: `${actor.platform}:${actor.userId}`, command: command.type, ok: result.ok, ...(result.ok ? {} : { code: result.code }), ms: Math.round(ms * 10) / 10 };
    if (result.ok) logger.debug(fields, 'command');
    else if (result.code === 'store.unavailable') logger.warn(fields, 'command refused');
    else if (onPlatforms) logger.info(fields, 'command refused');
    else logger.debug(fields, 'command refused'); // the local chat shows it already
  }));
  const log = (line: string) => {
    const platform = /^(discord|telegram): /.exec(line)?.[1];
    logger.info(platform ? { platform } : {}, line);
  };
  // The platforms whose token is set; the local terminal chat when there is none.
  let platforms: RunningPlatform[];
  try {
    platforms = await startPlatforms({ engine: gate, campaigns: specs, outbox: runtime.outbox, config, log });
  } catch (error) {
    await runtime.close();
    throw new CliError((error as Error).message);
  }
  const chat = platforms.length > 0 ? null : new LocalChat({
    engine: gate, campaigns: specs, input: process.stdin, output: process.stdout, exportDir: config.dataDir,
    ...(config.locale ? { locale: config.locale } : {}),
  });
  if (chat) runtime.outbox.register('local', chat.deliver, chat.targets);
  await runtime.engine.start();
  const ops = config.http ? await startOpsServer({
    ...config.http, metrics,
    checks: () => [
      { name: onRedis ? 'redis' : 'store', check: () => runtime.health(), details: () => { const durability = runtime.durability(); return durability ? { durability } : null; } },
      ...platforms.map((p) => ({ name: p.name, check: () => Promise.resolve(p.health()) })),
    ],
  }).catch((error: unknown) => {
    void Promise.allSettled(platforms.map((p) => p.stop())).then(() => runtime.close());
    throw new CliError(`cannot listen on ${config.http!.host}:${config.http!.port} (COCREATE_HTTP_PORT): ${(error as Error).message}`);
  }) : null;
  if (ops) logger.info({ port: ops.port, host: config.http!.host }, `http: metrics and health on ${config.http!.host}:${ops.port} (/metrics, /healthz)`);
  // The local terminal chat shares the terminal: its lifecycle lines stay at debug there.
  onPlatforms = platforms.length > 0;
  const lifecycle = onPlatforms ? logger.info.bind(logger) : logger.debug.bind(logger);
  lifecycle({ campaigns: specs.map((s) => s.id), store: onRedis ? 'redis' : 'memory', platforms: platforms.map((p) => p.name) }, 'running');

  let stopping: Promise<void> | undefined;
  // Graceful: stop taking commands (fans are told the bot restarts), let the outbox deliver
  // what is queued (bounded by COCREATE_DRAIN_SECONDS; the rest stays durable in Redis), then
  // close the platforms, the store and the HTTP endpoint.
  const stop = (why: string) => (stopping ??= (async () => {
    lifecycle({ reason: why }, 'stopping: no new commands, draining the outbox');
    await gate.close();
    const drained = await Promise.race([runtime.engine.idle().then(() => runtime.outbox.idle()).then(() => true), sleep(config.drainMs).then(() => false)]);
    lifecycle({ drained }, drained ? 'outbox drained' : `outbox not drained after ${config.drainMs} ms: the rest stays queued${onRedis ? ' in Redis for the next start' : ' and is lost (embedded store)'}`);
    await Promise.allSettled(platforms.map((p) => p.stop()));
    if (embedded) for (const spec of specs) await saveState(embedded.store, spec, statePath(spec.id, config.dataDir));
    await runtime.close();
    await ops?.close();
    lifecycle({}, 'stopped');
  })());
  if (chat) chat.start();
  const why = await Promise.race([chat ? chat.closed.then(() => 'chat closed') : new Promise<never>(() => {}), signalled]);
  await stop(why);
  // Everything is closed; should a library still hold the event loop, do not hang the restart.
  setTimeout(() => process.exit(process.exitCode ?? 0), 3_000).unref();
  return 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The Redis runtime from the environment (REDIS_URL, REDIS_CLUSTER or REDIS_SENTINELS; COCREATE_ACK,
 * COCREATE_DURABILITY); a clear one-line error when Redis cannot be reached or the ack mode cannot be honoured.
 */
async function connectRedis(options: { campaigns: readonly CampaignSpec[]; clock: Clock; env: RunEnv; url?: string; scheduler?: 'memory'; metrics?: Metrics; onError?: (error: unknown, context: string) => void; onWarning?: (message: string, durability: DurabilityReport) => void; drainMs?: number }) {
  const { config } = options.env;
  // `--redis URL` (simulate) names a server of its own.
  const { redisSentinel: _sentinel, ...direct } = config;
  const endpoint = redisEndpointOf(options.url === undefined ? config : { ...direct, redisUrl: options.url });
  if (!endpoint) throw new CliError('Redis is not configured (REDIS_URL or REDIS_SENTINELS)');
  const { ack, ackTimeoutMs, strict } = durabilityOf(config);
  try {
    return await redisRuntime({
      campaigns: options.campaigns, clock: options.clock, endpoint, ack, ackTimeoutMs, strict,
      prefix: config.redisPrefix,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (${config.redisSentinel ? 'REDIS_SENTINELS' : 'REDIS_URL'}; unset it to use the embedded memory store)`);
  }
}

type RunEnv = ReturnType<typeof environment>;

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
    process.stdout.write(resultsJson(sim.document, sim.exported));
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
  if (redisEndpointOf(env.config)) {
    const spec = await findCampaign(id, env.config.campaigns);
    const runtime = await connectRedis({ campaigns: [spec], clock, env, scheduler: 'memory' });
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
  const { positionals, values } = args(rest, { format: { type: 'string' }, chart: { type: 'string' }, 'no-ballots': { type: 'boolean' } });
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
  try {
    const doc: ResultsDocument = await runtime.engine.report(spec.id);
    const exported = await runtime.engine.exportDocument(spec.id);
    if (values.chart !== undefined) {
      for (const path of await writeCharts(runtime.engine, spec, values.chart)) process.stderr.write(`chart written: ${path}\n`);
    }
    process.stdout.write(format === 'json' ? resultsJson(doc, exported) : exportCsv(exported));
  } finally {
    await runtime.close();
  }
  return 0;
}

/** One PNG per revealed category, `DIR/<campaign>-<category>.png`; the paths written. */
async function writeCharts(engine: Engine, spec: CampaignSpec, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const category of spec.categories) {
    const standings = await engine.standings(spec.id, category.id);
    if (!standings) continue;
    const chart = renderResultsChart({
      campaignTitle: spec.title, categoryTitle: category.title, locale: spec.locale, ...standings, ...(spec.colors ? { colors: spec.colors } : {}),
    });
    const path = join(dir, `${spec.id}-${category.id}.png`);
    await writeFile(path, chart.png);
    written.push(path);
  }
  return written;
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

/**
 * `cocreate fan export|erase PLATFORM:ID [--campaign ID]` (issue 7, fans' data rights): for
 * managers, outside the chat. Export prints one JSON document per campaign; erase erases the
 * fan (see CampaignStore.eraseFan) and prints what it did, one line per campaign.
 */
async function fanCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = args(rest, { campaign: { type: 'string' } });
  const [action, fan] = positionals;
  if ((action !== 'export' && action !== 'erase') || !fan) throw new CliError('fan takes export or erase, then PLATFORM:ID (such as discord:123456789012345678)', 2);
  const ids = values.campaign ? [values.campaign] : await storedCampaigns();
  if (ids.length === 0) throw new CliError('no stored campaign: run or simulate one first, or name it with --campaign');
  const documents: unknown[] = [];
  for (const id of ids) {
    const { runtime, spec } = await openSaved(id);
    try {
      const result = await runtime.engine.execute({ type: action === 'export' ? 'fan.export' : 'fan.erase', campaignId: spec.id, fan }, SYSTEM_ACTOR);
      if (!result.ok) throw new CliError(`${spec.id}: ${result.code === 'fan.invalid' ? `"${fan}" is not PLATFORM:ID (discord:…, telegram:… or local:…)` : result.code}`, 2);
      if (result.type === 'fan.export') documents.push(result.data);
      if (result.type === 'fan.erase') {
        if (runtime.store instanceof MemoryCampaignStore) await saveState(runtime.store, spec, statePath(spec.id, environment().config.dataDir));
        const r = result.report;
        process.stdout.write(`${spec.id}: erased ${fan}: ballots withdrawn ${r.ballotsWithdrawn}, anonymized ${r.ballotsAnonymized}; likes withdrawn ${r.likesWithdrawn}, anonymized ${r.likesAnonymized}; proposals anonymized ${r.proposalsAnonymized.length}\n`);
      }
    } finally {
      await runtime.close();
    }
  }
  if (action === 'export') process.stdout.write(`${JSON.stringify(documents, null, 2)}\n`);
  return 0;
}

/** The campaigns with stored state: in Redis when REDIS_URL is set, else the embedded store's files. */
async function storedCampaigns(): Promise<string[]> {
  const env = environment();
  if (redisEndpointOf(env.config)) {
    const specs = await Promise.all(env.config.campaigns.map(async (file) => loadCampaignFile(file)));
    const clock = new SystemClock({ unref: true });
    const runtime = await connectRedis({ campaigns: specs.flatMap((l) => (l.ok ? [l.spec] : [])), clock, env, scheduler: 'memory' });
    try {
      return await runtime.store.listCampaigns();
    } finally {
      await runtime.close();
    }
  }
  return (await readdir(env.config.dataDir).catch(() => [])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
}

async function rehearseCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = args(rest, { fans: { type: 'string' }, rate: { type: 'string' }, only: { type: 'string' }, warmup: { type: 'string' }, telegram: { type: 'string' }, json: { type: 'boolean' } });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CliError('rehearse needs exactly one FILE', 2);
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
  const [spec] = await loadSpecs([file]);
  let report;
  try {
    report = await rehearse({ campaign: spec!, fans, rate, ...(only ? { only } : {}), ...(warmup === undefined ? {} : { warmup }), ...(telegram ? { telegram } : {}), redisUrl: url, prefix: env.config.redisPrefix, progress: (line) => process.stderr.write(`rehearse: ${line}\n`) });
  } catch (error) {
    throw new CliError(`rehearsal failed: ${scrub((error as Error).message)}`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatRehearsal(report, `Redis ${scrub(url)}`));
  // After an overloaded surge the clients may still be chewing on stale events: do not hang.
  setTimeout(() => process.exit(process.exitCode ?? 0), 5_000).unref();
  return report.ok ? 0 : 1;
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
