/**
 * Worker threads that run the TypeScript sources (through tsx, as bin/cocreate.js does) and
 * answer requests: the rehearsal runs the platforms' stand-ins and each platform's bot in
 * threads of their own, so that each takes a core as separate processes would.
 *
 * The parent side is {@link ThreadClient}; the worker's entry calls {@link serveThread}.
 */
import { join } from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';

/** A request to a thread: a handler's name and its argument. */
interface Request { readonly id: number; readonly type: string; readonly payload: unknown }

/** What a thread says: it is up (with what it tells), progress, or an answer to a request. */
type ThreadMessage =
  | { readonly type: 'started'; readonly value: unknown }
  | { readonly type: 'progress'; readonly line: string }
  | { readonly type: 'answer'; readonly id: number; readonly value: unknown }
  | { readonly type: 'failed'; readonly id?: number; readonly message: string };

// From the sources, the thread runs the TypeScript entry as bin/cocreate.js does (bin/register.js:
// tsx's hook); compiled (dist/, the published package, where tsx is not installed), the entry is
// JavaScript and runs as it is.
const REGISTER = join(__dirname, '../bin/register.js');
const ENTRY = `require(require('node:worker_threads').workerData.entry);`;
const bootFor = (entry: string): string => (entry.endsWith('.ts') ? `require(${JSON.stringify(REGISTER)}); ${ENTRY}` : ENTRY);

export class ThreadClient<Started> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  /** Hears the thread's progress lines. */
  progress: (line: string) => void = () => {};

  private constructor(private readonly worker: Worker, readonly started: Started) {
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'progress') this.progress(message.line);
      else if ((message.type === 'answer' || message.type === 'failed') && message.id !== undefined) {
        const waiter = this.waiting.get(message.id);
        if (!waiter) return;
        this.waiting.delete(message.id);
        if (message.type === 'answer') waiter.resolve(message.value);
        else waiter.reject(new Error(message.message));
      }
    });
    const fail = (error: Error) => {
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`thread ${worker.threadId} exited (${code})`)));
  }

  /**
   * Starts `entry` (an absolute path to a module that calls serveThread) with `data` as its
   * workerData; resolves once it said it started, with what it said.
   */
  static start<Started>(entry: string, data: Record<string, unknown> = {}): Promise<ThreadClient<Started>> {
    const worker = new Worker(bootFor(entry), { eval: true, workerData: { ...data, entry } });
    return new Promise((resolve, reject) => {
      const onMessage = (message: ThreadMessage) => {
        if (message.type === 'started') { cleanup(); resolve(new ThreadClient<Started>(worker, message.value as Started)); }
        else if (message.type === 'failed' && message.id === undefined) { cleanup(); void worker.terminate(); reject(new Error(message.message)); }
      };
      const onError = (error: Error) => { cleanup(); reject(error); };
      const onExit = (code: number) => { cleanup(); reject(new Error(`the thread ${entry} exited (${code}) before starting`)); };
      const cleanup = () => { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** Runs the thread's handler `type` on `payload`; rejects with the handler's error message. */
  ask<T>(type: string, payload: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, type, payload } satisfies Request);
    });
  }

  /** Asks the thread's `stop` handler (bounded), then ends the thread. */
  async stop(timeoutMs = 10_000): Promise<void> {
    await Promise.race([this.ask('stop'), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]).catch(() => {});
    await this.worker.terminate();
  }
}

/** What a thread's handlers may use: its workerData and a progress line to the parent. */
export interface ThreadContext {
  readonly data: Readonly<Record<string, unknown>>;
  progress(line: string): void;
}

/** Whether this thread was started (by ThreadClient.start) to run `file`. */
export function isThreadEntry(file: string): boolean {
  return parentPort !== null && (workerData as { entry?: unknown } | null)?.entry === file;
}

/** The requests a thread answers, by type. */
export type ThreadHandlers = Readonly<Record<string, (payload: never) => Promise<unknown> | unknown>>;

/**
 * The worker's side: runs `start`, tells the parent its `started` value (what the parent's
 * `started` holds), then answers each request with the handler of its type. A `stop`
 * handler, if any, runs on the parent's stop() before the thread ends.
 */
export function serveThread(start: (context: ThreadContext) => Promise<{ readonly started: unknown; readonly handlers: ThreadHandlers }>): void {
  const port = parentPort;
  if (!port) throw new Error('serveThread runs in a worker thread (ThreadClient.start)');
  const say = (message: ThreadMessage) => port.postMessage(message);
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const context: ThreadContext = { data: workerData as Record<string, unknown>, progress: (line) => say({ type: 'progress', line }) };
  start(context).then(({ started, handlers }) => {
    port.on('message', (request: Request) => {
      const handler = handlers[request.type];
      const run = async () => {
        if (handler) return handler(request.payload as never);
        if (request.type === 'stop') return true;
        throw new Error(`no handler for "${request.type}"`);
      };
      run().then(
        (value) => say({ type: 'answer', id: request.id, value }),
        (error: unknown) => say({ type: 'failed', id: request.id, message: describe(error) }),
      );
    });
    say({ type: 'started', value: started });
  }, (error: unknown) => say({ type: 'failed', message: describe(error) }));
}
