/**
 * What the Redis servers of a deployment promise about acknowledged data, read at start: the
 * persistence settings (`CONFIG GET appendonly appendfsync save`, or `INFO persistence` where
 * CONFIG is renamed away, as on managed services) and the replication state (`INFO replication`),
 * and what that means for the chosen ack mode: possible or not, and the one warning to give
 * when acknowledged data can be lost.
 */
import type { Cluster, Redis } from 'ioredis';
import type { AckMode, DurabilityRisk, DurabilityStatus } from '../../model/durability';

/** The durability facts of one Redis server (a master). */
export interface ServerDurability {
  /** How the server is named in messages (`127.0.0.1:6379`, or the Sentinel master's name). */
  readonly name: string;
  /** `redis_version` of INFO server (Valkey reports the Redis version it is compatible with). */
  readonly version: string;
  /** Where the persistence settings were read: CONFIG GET, or INFO persistence when CONFIG is unavailable. */
  readonly source: 'config' | 'info';
  readonly appendonly: boolean;
  /** Null when unknown (INFO does not tell it). */
  readonly appendfsync: 'always' | 'everysec' | 'no' | null;
  /** Whether RDB save points are configured; null when unknown. */
  readonly rdbSaves: boolean | null;
  /** `role` of INFO replication: `master`, or `slave` for a replica. */
  readonly role: string;
  /** Replicas connected to it and streaming (`connected_slaves`). */
  readonly connectedReplicas: number;
}

/** The deployment around the servers, which the servers alone do not tell. */
export interface DeploymentShape {
  /** Sentinel or Cluster: a replica may be promoted in place of a failed master. */
  readonly failover: boolean;
}

/** What the ack mode means on these servers. */
export interface DurabilityAssessment extends DurabilityStatus {
  /** Null when the ack mode can be honoured now; else why not. */
  readonly impossible: string | null;
  /** Null when nothing acknowledged can be lost as far as the servers tell; else the one warning (one line). */
  readonly warning: string | null;
  /** `aof` only: confirm each batch with WAITAOF (Redis ≥ 7.2); false: `appendfsync always` makes Redis's reply itself the confirmation. */
  readonly waitAof: boolean;
  readonly servers: readonly ServerDurability[];
}

/** Whether `version` (`7.0.15`) is at least `major.minor`. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** The first Redis version with WAITAOF. */
const WAITAOF_SINCE = [7, 2] as const;

/**
 * Reads the durability facts of every master of `client` (the one server, or each master of a
 * Cluster). CONFIG GET first; when the server refuses it (renamed or disabled), INFO persistence,
 * which tells whether AOF is on but not its fsync policy nor the RDB save points.
 */
export async function readDurability(client: Redis | Cluster, name?: string): Promise<ServerDurability[]> {
  if ('isCluster' in client && client.isCluster) {
    const masters = (client as Cluster).nodes('master');
    return Promise.all(masters.map((node) => readServer(node, `${node.options.host}:${node.options.port}`)));
  }
  const redis = client as Redis;
  return [await readServer(redis, name ?? `${redis.options.host}:${redis.options.port}`)];
}

async function readServer(redis: Redis, name: string): Promise<ServerDurability> {
  const info = parseInfo(String(await redis.call('INFO')));
  const version = info.get('redis_version') ?? '0.0.0';
  const role = info.get('role') ?? 'master';
  const connectedReplicas = Number(info.get('connected_slaves') ?? 0);
  const config = await readConfig(redis);
  if (config) return { name, version, source: 'config', ...config, role, connectedReplicas };
  return { name, version, source: 'info', appendonly: info.get('aof_enabled') === '1', appendfsync: null, rdbSaves: null, role, connectedReplicas };
}

async function readConfig(redis: Redis): Promise<Pick<ServerDurability, 'appendonly' | 'appendfsync' | 'rdbSaves'> | null> {
  const get = async (parameter: string): Promise<string | undefined> => {
    const reply = (await redis.call('CONFIG', 'GET', parameter)) as string[];
    return reply[1];
  };
  try {
    const [appendonly, appendfsync, save] = await Promise.all([get('appendonly'), get('appendfsync'), get('save')]);
    const fsync = appendfsync === 'always' || appendfsync === 'everysec' || appendfsync === 'no' ? appendfsync : null;
    return { appendonly: appendonly === 'yes', appendfsync: fsync, rdbSaves: save === undefined ? null : save.trim() !== '' };
  } catch (error) {
    if (error instanceof Error && /unknown command|NOPERM|disabled|not allowed/i.test(error.message)) return null;
    throw error;
  }
}

/** `INFO` text as a map of its `key:value` lines. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

const DOCS = 'see docs/durability.md';

/**
 * What `ack` means on `servers`: whether it can be honoured (`impossible`), and the one warning
 * when acknowledged data can still be lost, with the most serious `risk`. Pure: from the facts.
 */
export function assessDurability(ack: AckMode, servers: readonly ServerDurability[], shape: DeploymentShape): DurabilityAssessment {
  const impossible: string[] = [];
  const risks: { risk: DurabilityRisk; text: string }[] = [];
  const waitAof = ack === 'aof' && servers.length > 0 && servers.every((s) => versionAtLeast(s.version, ...WAITAOF_SINCE));
  for (const s of servers) {
    if (s.role !== 'master') impossible.push(`${s.name} is a ${s.role === 'slave' ? 'replica' : s.role}, not a master: it refuses writes`);
    if (ack === 'aof') impossible.push(...aofProblems(s));
    if (ack === 'replica' && s.connectedReplicas < 1) impossible.push(`no replica is connected to ${s.name}: every write would be answered "could not confirm" until one is`);
    risks.push(...serverRisks(ack, s));
  }
  if (shape.failover && ack !== 'replica') {
    risks.push({ risk: 'failover', text: 'a failover (Sentinel or Cluster promoting a replica) loses the acknowledged writes the replica had not received yet: COCREATE_ACK=replica waits for a replica' });
  }
  const order = (r: DurabilityRisk): number => ['no-ack-possible', 'memory-only', 'snapshots-only', 'fsync-delayed', 'failover', 'unpersisted-master'].indexOf(r);
  risks.sort((a, b) => order(a.risk) - order(b.risk));
  const why = impossible.length > 0 ? `COCREATE_ACK=${ack} cannot be honoured: ${impossible.join('; ')}` : null;
  const lines = [...(why ? [why] : []), ...risks.map((r) => r.text)];
  return {
    ack,
    risk: why ? 'no-ack-possible' : risks[0]?.risk ?? null,
    impossible: why,
    warning: lines.length === 0 ? null : `acknowledged data can be lost or refused (COCREATE_ACK=${ack}): ${[...new Set(lines)].join('; ')} (${DOCS})`,
    waitAof,
    servers,
  };
}

function aofProblems(s: ServerDurability): string[] {
  if (!s.appendonly) return [`${s.name} has appendonly no: there is no AOF to wait for (appendonly yes, appendfsync always)`];
  if (versionAtLeast(s.version, ...WAITAOF_SINCE)) return [];
  if (s.appendfsync === 'always') return [];
  if (s.appendfsync === null) return [`${s.name} is Redis ${s.version} (no WAITAOF before 7.2) and its appendfsync cannot be read (CONFIG is not available): cannot tell that each reply follows an fsync`];
  return [`${s.name} is Redis ${s.version} (no WAITAOF before 7.2) with appendfsync ${s.appendfsync}: only appendfsync always makes each reply follow an fsync`];
}

function serverRisks(ack: AckMode, s: ServerDurability): { risk: DurabilityRisk; text: string }[] {
  if (ack === 'replica') {
    // The replica holds every acknowledged write; the master's own persistence matters when it restarts
    // on its own before any failover: an empty master is copied by its replicas.
    if (!s.appendonly && s.rdbSaves !== true) {
      return [{ risk: 'unpersisted-master', text: `${s.name} keeps no persistence: if it restarts before a failover, its replicas copy its empty data set (give it an AOF, or never restart it automatically)` }];
    }
    return [];
  }
  if (ack === 'aof') return [];
  if (!s.appendonly) {
    return s.rdbSaves === true
      ? [{ risk: 'snapshots-only', text: `${s.name} has no AOF, only RDB snapshots: a Redis crash (kill -9, power loss) loses everything acknowledged since the last snapshot (appendonly yes, appendfsync always; or COCREATE_ACK=aof)` }]
      : [{ risk: 'memory-only', text: `${s.name} keeps data in memory only (appendonly no${s.rdbSaves === false ? ', no RDB save point' : ''}): a Redis crash (kill -9, power loss) loses every acknowledged ballot (appendonly yes, appendfsync always; or COCREATE_ACK=aof or replica)` }];
  }
  if (s.appendfsync !== 'always') {
    const when = s.appendfsync === null ? 'with an appendfsync that cannot be read (CONFIG is not available)' : `with appendfsync ${s.appendfsync}`;
    return [{ risk: 'fsync-delayed', text: `${s.name} writes its AOF ${when}: a power loss or a kernel crash (not a Redis crash alone) can lose about the last second of acknowledged writes (appendfsync always, or COCREATE_ACK=aof)` }];
  }
  return [];
}
