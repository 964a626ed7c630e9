/**
 * The composition root's building block: an engine wired to the embedded default (memory
 * store, memory scheduler, memory outbox) on a given clock. `cocreate run`, `simulate`,
 * `results`, `recount` and the benchmarks all start from here.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Engine } from '../engine/engine';
import type { CampaignSpec } from '../engine/model';
import type { Clock } from '../ports/clock';
import { MemoryCampaignStore, type CampaignSnapshot } from '../stores/memory/store';
import { MemoryOutbox, type MemoryOutboxOptions } from '../outbox/memory';
import { MemoryPhaseScheduler } from '../scheduler/memory';

export interface Runtime {
  readonly engine: Engine;
  readonly store: MemoryCampaignStore;
  readonly outbox: MemoryOutbox;
  readonly scheduler: MemoryPhaseScheduler;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly campaigns: readonly CampaignSpec[];
  readonly clock: Clock;
  readonly outbox?: MemoryOutboxOptions;
  readonly onError?: (error: unknown, context: string) => void;
}

/** An engine on the embedded default. Call `engine.start()` once adapters have registered. */
export function embeddedRuntime(options: RuntimeOptions): Runtime {
  const onError = options.onError ?? ((error: unknown, context: string) => {
    process.stderr.write(`cocreate: ${context}: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  const outbox = new MemoryOutbox(options.outbox ?? {});
  const store = new MemoryCampaignStore({ outbox });
  const scheduler = new MemoryPhaseScheduler({ clock: options.clock, onError: (e, job) => onError(e, `job ${job.id}`) });
  const engine = new Engine({ campaigns: options.campaigns, store, scheduler, outbox, clock: options.clock, onError });
  return {
    engine, store, outbox, scheduler,
    close: async () => {
      await scheduler.close();
      await outbox.idle();
      await outbox.close();
      await store.close();
    },
  };
}

/**
 * Where the embedded store keeps a campaign between runs: `cocreate run` and `simulate`
 * save it there, `results` and `recount` read it. (With Redis, the store itself is durable.)
 */
export function statePath(campaignId: string, dataDir: string): string {
  return join(dataDir, `${campaignId}.json`);
}

interface SavedState {
  readonly spec: CampaignSpec;
  readonly store: CampaignSnapshot;
}

/** Writes a campaign (its resolved spec and its store state) atomically: write, then rename. */
export async function saveState(store: MemoryCampaignStore, spec: CampaignSpec, path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const saved: SavedState = { spec, store: store.snapshot(spec.id) };
  await writeFile(tmp, JSON.stringify(saved));
  await rename(tmp, path);
  return path;
}

/** Loads a saved campaign into the store and returns its spec; null when none was saved. */
export async function loadState(store: MemoryCampaignStore, campaignId: string, path: string): Promise<CampaignSpec | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const saved = JSON.parse(text) as SavedState;
  store.restore(campaignId, saved.store);
  return saved.spec;
}
