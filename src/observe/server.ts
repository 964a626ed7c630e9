/**
 * The operations HTTP endpoint of `cocreate run`: `GET /metrics` (Prometheus text) and
 * `GET /healthz` (200 when every check passes, 503 naming the checks that failed;
 * `GET /healthz?details` adds what each check knows beyond pass or fail, such as the store's
 * durability and its warning).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';

/** One named check: resolves to null when healthy, else a short reason. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<string | null>;
  /** What the check adds to its entry with `?details`, whatever the outcome (e.g. the store's durability), read after `check`. */
  details?(): Readonly<Record<string, unknown>> | null;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { ok: boolean; error?: string; readonly [detail: string]: unknown }>>;
}

/** Runs every check (each bounded by `timeoutMs`) and reports them all; with `details`, each with its details. */
export async function checkHealth(checks: readonly HealthCheck[], timeoutMs = 2_000, options: { details?: boolean } = {}): Promise<HealthReport> {
  const results = await Promise.all(checks.map(async (c) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs); });
    try {
      const error = await Promise.race([c.check().catch((e: unknown) => (e instanceof Error ? e.message : String(e))), timeout]);
      const details = options.details ? c.details?.() ?? {} : {};
      return [c.name, error === null ? { ...details, ok: true } : { ...details, ok: false, error }] as const;
    } finally {
      clearTimeout(timer);
    }
  }));
  return { ok: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

export interface OpsServer {
  /** The port actually listened on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the endpoint on `host:port`. */
export async function startOpsServer(options: { port: number; host: string; metrics: Metrics; checks: () => readonly HealthCheck[] }): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      options.metrics.text().then(
        (text) => send(200, options.metrics.registry.contentType, text),
        (error: unknown) => send(500, 'text/plain', `metrics failed: ${String(error)}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const details = url.searchParams.has('details') || url.searchParams.has('verbose');
      void checkHealth(options.checks(), undefined, { details }).then((report) => send(report.ok ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`));
      return;
    }
    send(404, 'text/plain', 'not found: try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
