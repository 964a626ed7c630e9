/**
 * `cocreate run [FILE…] [--from-now]`: the bot. Wires the store (Redis or the embedded one),
 * the platforms whose token is set (or the local terminal chat), the metrics endpoint and the
 * graceful shutdown.
 */
import { SystemClock } from '../../clock/system-clock';
import { LocalChat } from '../../../adapters/local/chat';
import { createLogger, secretsOf } from '../../observe/logger';
import { Metrics, observeCommands } from '../../observe/metrics';
import { startOpsServer } from '../../observe/server';
import { parseCommandArgs } from '../args';
import { environment, loadCampaigns } from '../campaign-files';
import { CliError } from '../cli-error';
import { CommandGate } from '../command-gate';
import { redisEndpointOf } from '../../config/env';
import { embeddedRuntime, loadState, saveState, statePath, type DurabilityReport } from '../runtime';
import { prepareCampaigns } from '../prepare-campaigns';
import { startPlatforms, type RunningPlatform } from '../start-platforms';
import { connectRedis, rememberDefinitions } from '../stored-campaign';
import { USAGES } from '../usage';

/** Runs until the local chat ends or a SIGINT/SIGTERM; then drains, saves and closes. */
export async function runCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { 'from-now': { type: 'boolean' }, 'allow-past': { type: 'boolean' } }, USAGES.run);
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
  const prepared = await prepareCampaigns(loadCampaigns(files), {
    now: clock.now(), fromNow: values['from-now'] === true, allowPast: values['allow-past'] === true,
    dataDir: onRedis ? null : config.dataDir, notice: (line) => process.stderr.write(`cocreate: ${line}\n`),
  });
  if (!prepared.ok) throw new CliError(prepared.message);
  const loaded = prepared.campaigns;
  const specs = loaded.map((c) => c.spec);
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
    for (const { spec } of loaded.filter((c) => c.resume)) await loadState(embedded.store, spec.id, statePath(spec.id, config.dataDir));
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
  // The store keeps each definition, so that results, recount, audit… need no file.
  await rememberDefinitions(runtime.store, loaded).catch((error: unknown) => onError(error, 'keeping the campaign definitions in the store (results, recount… will need --file)'));
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
