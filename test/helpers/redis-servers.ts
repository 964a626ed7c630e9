/**
 * Redis servers of the tests' own: a standalone `redis-server` (to stop, kill and restart while a
 * store uses it) and a local Redis Cluster of masters. Each runs as a child process on a free port
 * of 127.0.0.1 with its own temporary directory, no persistence, and is stopped by pid.
 *
 * Every server started here is also recorded in the file named by COCREATE_TEST_SERVERS_FILE
 * (set by test/global-setup.ts), so that test/global-teardown.ts kills whatever a crashed or
 * careless test left running, and a watchdog does if Jest itself dies.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';

const HOST = '127.0.0.1';
/** Env var: the file where every started server appends `<pid>\t<dir>` (for the global teardown). */
export const SERVERS_FILE_ENV = 'COCREATE_TEST_SERVERS_FILE';
/** Env var: JSON of the nodes (`{ host, port }[]`) of the cluster the global setup started. */
export const CLUSTER_ENV = 'COCREATE_TEST_CLUSTER';

/** The options of `new Cluster(nodes, options)` (legacy reply mapping, as in production). */
export type ClusterClientOptions = NonNullable<ConstructorParameters<typeof Cluster<'legacy'>>[1]>;

export interface ClusterNodeAddress {
  readonly host: string;
  readonly port: number;
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The pid of the running process (a new one after `restart()`). */
  readonly pid: number;
  /** Shuts the server down (SIGTERM: no save point is configured), waits for it to exit, removes its directory. */
  stop(): Promise<void>;
  /** SIGKILL, as in a crash; waits for the exit and keeps the directory for `restart()`. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port (stopping it first if it runs) and waits until it answers
   * PING. `options.args` replace the server's extra arguments from then on (e.g. `--replicaof`).
   */
  restart(options?: { readonly args?: readonly string[] }): Promise<void>;
}

export interface RedisServerOptions {
  /** More `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  readonly args?: readonly string[];
  /**
   * A configuration file's text, written in the server's directory and given first on the
   * command line (Sentinel needs one it can rewrite: `configText` with `args: ['--sentinel']`).
   */
  readonly configText?: string;
  /** How long to wait for PING to answer. Default 10 s. */
  readonly timeoutMs?: number;
}

export interface RedisClusterOptions {
  /** Number of masters (no replicas). Default 3, the least `redis-cli --cluster create` accepts. */
  readonly masters?: number;
  /** How long to wait for the whole cluster to be `cluster_state:ok`. Default 30 s. */
  readonly timeoutMs?: number;
}

export interface RedisTestCluster {
  readonly nodes: readonly ClusterNodeAddress[];
  readonly pids: readonly number[];
  /** Kills every node and removes their directories. */
  stop(): Promise<void>;
}

/**
 * Starts a standalone `redis-server` on a free port of 127.0.0.1 (no RDB, no AOF, its own
 * temporary `--dir`) and resolves once it answers PING. Rejects with a clear error when
 * `redis-server` is not on the PATH or does not answer in time.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  return startServer(() => [...(options.args ?? [])], options.timeoutMs ?? 10_000, false, options.configText);
}

/**
 * Starts a Redis Cluster of `masters` masters (no replicas) on free ports of 127.0.0.1, joins
 * them with `redis-cli --cluster create`, and resolves once every node reports
 * `cluster_state:ok` and knows every other node.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisTestCluster> {
  const masters = options.masters ?? 3;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const servers: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const clusterArgs = (port: number, dir: string): string[] => [
      '--cluster-enabled', 'yes',
      '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', '2000',
    ];
    // One at a time: parallel starts would pick ports from the same pool and collide more often.
    for (let i = 0; i < masters; i++) servers.push(await startServer(clusterArgs, Math.max(1_000, deadline - Date.now()), true));
    const addresses = servers.map((server) => `${HOST}:${server.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], Math.max(1_000, deadline - Date.now()));
    await waitForClusterOk(servers.map((server) => server.port), masters, deadline);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: servers.map((server) => ({ host: HOST, port: server.port })),
    get pids() {
      return servers.map((server) => server.pid);
    },
    stop,
  };
}

/**
 * An ioredis Cluster client of `nodes`, plain config (no natMap: the nodes announce 127.0.0.1),
 * offline queue enabled so commands wait for the slots to be known. `options` override.
 */
export function clusterConnection(nodes: readonly ClusterNodeAddress[], options: ClusterClientOptions = {}): Cluster {
  return new Cluster<'legacy'>(nodes.map(({ host, port }) => ({ host, port })), options);
}

/**
 * Kills (SIGKILL) every server recorded in `file` that still runs, removes their directories
 * and the file. For the global teardown: after a clean run there is nothing left to kill.
 * Returns the pids it had to kill.
 */
export async function killRecordedServers(file: string): Promise<number[]> {
  if (!existsSync(file)) return [];
  const killed: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [pidText, dir] = line.split('\t');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (isRedisServer(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // exited meanwhile
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const deadline = Date.now() + 5_000;
  while (killed.some(isRedisServer) && Date.now() < deadline) await sleep(20);
  rmSync(file, { force: true });
  return killed;
}

/**
 * Starts a detached watchdog process that, should this process die without its global
 * teardown (kill -9, a crash), kills the servers recorded in `file` and removes their
 * directories. It exits on its own once `file`'s directory is gone. Returns its pid.
 */
export function startWatchdog(file: string): number {
  const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), file], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? -1;
}

const WATCHDOG = `
const fs = require('node:fs');
const path = require('node:path');
const [parent, file] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(Number(pid), 0); } catch { return false; } try { return !/^\\d+ \\(.*\\) Z/.test(fs.readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return true; } };
const isRedis = (pid) => { try { return /^\\d+ \\(redis-server\\) [^Z]/.test(fs.readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return alive(pid) && !fs.existsSync('/proc/self'); } };
setInterval(() => {
  if (!fs.existsSync(path.dirname(file))) process.exit(0);
  if (alive(parent)) return;
  let lines = [];
  try { lines = fs.readFileSync(file, 'utf8').split('\\n'); } catch {}
  for (const line of lines) {
    const [pid, dir] = line.split('\\t');
    if (Number(pid) > 0 && isRedis(pid)) try { process.kill(Number(pid), 'SIGKILL'); } catch {}
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  process.exit(0);
}, 500);
`;

// ---------------------------------------------------------------------------------------------

async function startServer(extraArgs: (port: number, dir: string) => string[], timeoutMs: number, clusterBus: boolean, configText?: string): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cocreate-redis-'));
  const configFile = configText === undefined ? undefined : join(dir, 'redis.conf');
  if (configFile) writeFileSync(configFile, configText!);
  let port = 0;
  let child: ChildProcess | undefined;
  try {
    // A port free a moment ago may be taken by the time redis-server binds it: try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort(clusterBus);
      try {
        child = await launch(port, dir, extraArgs(port, dir), timeoutMs, configFile);
        break;
      } catch (error) {
        if (!(error instanceof PortInUse) || attempt >= 10) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const server: RedisServer = {
    port,
    url: `redis://${HOST}:${port}`,
    get pid() {
      return child?.pid ?? -1;
    },
    async stop() {
      await terminate(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await terminate(child, 'SIGKILL');
    },
    async restart(options = {}) {
      await terminate(child, 'SIGTERM');
      if (options.args) {
        const replaced = [...options.args];
        extraArgs = () => replaced;
      }
      mkdirSync(dir, { recursive: true });
      // The port was ours a moment ago; if a connection in TIME_WAIT or a stranger holds it, wait a little.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          child = await launch(port, dir, extraArgs(port, dir), timeoutMs, configFile);
          return;
        } catch (error) {
          if (!(error instanceof PortInUse) || Date.now() > deadline) throw error;
          await sleep(100);
        }
      }
    },
  };
  return server;
}

class PortInUse extends Error {}

/** Spawns redis-server on `port` and resolves with the child once it answers PING. */
async function launch(port: number, dir: string, extraArgs: readonly string[], timeoutMs: number, configFile?: string): Promise<ChildProcess> {
  const args = [
    ...(configFile ? [configFile] : []),
    '--port', String(port),
    '--bind', HOST,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--dir', dir,
    ...extraArgs,
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT'
        ? new Error('redis-server is not on the PATH: these tests start Redis servers of their own (install it: apt-get install redis-server)')
        : error);
    });
    // 'close', not 'exit': by then the whole log has been read.
    child.once('close', (code, signal) => {
      if (/address already in use/i.test(log)) reject(new PortInUse(`port ${port} is in use`));
      else reject(new Error(`redis-server on port ${port} exited (${signal ?? `code ${code}`}) before answering PING:\n${log}`));
    });
  });
  failed.catch(() => undefined);
  if (child.pid !== undefined) {
    const file = process.env[SERVERS_FILE_ENV];
    try {
      if (file) appendFileSync(file, `${child.pid}\t${dir}\n`);
    } catch {
      // the run's teardown has begun: the exit hook still stops this one
    }
  }

  try {
    await Promise.race([failed, waitForPing(port, timeoutMs)]);
  } catch (error) {
    await terminate(child, 'SIGKILL');
    if (error instanceof Timeout) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${log}`);
    throw error;
  }
  return child;
}

class Timeout extends Error {}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await call(port, ['PING'], 500)) === 'PONG') return;
    } catch {
      // not listening yet, or still loading
    }
    if (Date.now() > deadline) throw new Timeout();
    await sleep(25);
  }
}

async function waitForClusterOk(ports: readonly number[], masters: number, deadline: number): Promise<void> {
  const states = new Map<number, string>();
  for (;;) {
    const infos = await Promise.all(ports.map((port) => call(port, ['CLUSTER', 'INFO'], 1_000).catch((error: Error) => error.message)));
    let ready = true;
    infos.forEach((info, i) => {
      const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? info;
      const known = Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1] ?? 0);
      states.set(ports[i]!, `${state}, knows ${known} nodes`);
      if (state !== 'ok' || known !== masters) ready = false;
    });
    if (ready) return;
    if (Date.now() > deadline) {
      const detail = [...states].map(([port, state]) => `  ${HOST}:${port}: ${state}`).join('\n');
      throw new Error(`the local Redis Cluster did not reach cluster_state:ok in time:\n${detail}`);
    }
    await sleep(50);
  }
}

/** Sends one command over a fresh socket and resolves with its reply (simple, integer or bulk string). */
function call(port: number, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let buffer = Buffer.alloc(0);
    const done = (error: Error | null, reply?: string): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(reply ?? '');
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer from ${HOST}:${port} in ${timeoutMs} ms`)));
    socket.on('error', (error) => done(error));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const line = buffer.subarray(1, lineEnd).toString();
      switch (String.fromCharCode(buffer[0]!)) {
        case '+':
        case ':':
          return done(null, line);
        case '-':
          return done(new Error(line));
        case '$': {
          const length = Number(line);
          if (length < 0) return done(null, '');
          if (buffer.length < lineEnd + 2 + length + 2) return;
          return done(null, buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString());
        }
        default:
          return done(new Error(`unexpected reply from ${HOST}:${port}: ${buffer.toString()}`));
      }
    });
  });
}

/**
 * A port that was free a moment ago (bind port 0, read it, release it). For a cluster node,
 * its bus port (port + 10000) must be free as well, hence at most 55535.
 */
async function freePort(clusterBus: boolean): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await bind(0);
    if (port === undefined) continue;
    if (!clusterBus) return port;
    if (port <= 55_535 && (await bind(port + 10_000)) !== undefined) return port;
  }
  throw new Error('found no free port on 127.0.0.1 for a Redis server');
}

/** Binds `port` on 127.0.0.1 and releases it: the bound port, or undefined if it was taken. */
function bind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, HOST, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** Signals `child` unless it has exited, and waits for its exit (SIGKILL after 5 s). */
async function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion; rejects with its output on failure. */
function run(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new Error(`${command} is not on the PATH: these tests start a local Redis Cluster with it (install it: apt-get install redis-server)`));
      }
      reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
    });
  });
}

/** Whether `pid` is a running (not zombie) redis-server. Without /proc, whether it runs at all. */
function isRedisServer(pid: number): boolean {
  if (existsSync('/proc/self')) {
    try {
      return /^\d+ \(redis-server\) [^Z]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
