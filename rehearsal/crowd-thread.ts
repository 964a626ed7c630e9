/**
 * The crowd's worker thread (rehearsal/threads.ts): both stand-ins and the fans, on a core of their own
 * as the real platforms and their users are. Started by {@link startCrowdThread}.
 */
import { writeFile } from 'node:fs/promises';
import { Crowd, type CrowdEndpoints, type SurgeOptions, type SurgeOutcome } from './crowd';
import { ThreadProfiler } from './profile';
import { isThreadEntry, serveThread, ThreadClient } from './threads';

/** The crowd, seen from the thread that started it. */
export interface CrowdThread {
  readonly endpoints: CrowdEndpoints;
  awaitBallots(categories: readonly number[], timeoutMs: number): Promise<{ discord: number; telegram: number; ok: boolean }>;
  surge(options: SurgeOptions, progress?: (line: string) => void): Promise<SurgeOutcome>;
  /** Starts the thread's CPU profiler (a sample every `intervalUs`). */
  startProfile(intervalUs: number): Promise<void>;
  /** Stops it and writes the profile (`.cpuprofile`) to `file`. */
  stopProfile(file: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startCrowdThread(): Promise<CrowdThread> {
  const thread = await ThreadClient.start<CrowdEndpoints>(__filename);
  return {
    endpoints: thread.started,
    awaitBallots: (categories, timeoutMs) => thread.ask('ballots', { categories, timeoutMs }),
    surge: (options, progress = () => {}) => {
      thread.progress = progress;
      return thread.ask('surge', options);
    },
    startProfile: (intervalUs) => thread.ask('profile.start', intervalUs),
    stopProfile: (file) => thread.ask('profile.stop', file),
    stop: () => thread.stop(),
  };
}

// Serves only in the thread started for this file (another thread may import it).
if (isThreadEntry(__filename)) {
  serveThread(async (context) => {
    const crowd = await Crowd.start();
    const profiler = new ThreadProfiler();
    return {
      started: crowd.endpoints,
      handlers: {
        ballots: ({ categories, timeoutMs }: { categories: number[]; timeoutMs: number }) => crowd.awaitBallots(categories, timeoutMs),
        surge: (options: SurgeOptions) => crowd.surge(options, context.progress),
        'profile.start': (intervalUs: number) => profiler.start(intervalUs),
        'profile.stop': async (file: string) => { await writeFile(file, JSON.stringify(await profiler.stop())); },
        stop: () => crowd.stop(),
      },
    };
  });
}
