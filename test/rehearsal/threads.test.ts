/**
 * TypeScript worker threads with request/answer messages (rehearsal/threads.ts), which the rehearsal
 * uses to give the stand-ins and each platform's bot a core of their own.
 */
import { ThreadClient } from '../../rehearsal/threads';
import { threadCpuMs } from '../../rehearsal/thread-cpu';

jest.setTimeout(30_000);
const ENTRY = require.resolve('../helpers/echo-thread');

it('starts a TypeScript thread, answers its requests in order, and passes its errors and progress on', async () => {
  const thread = await ThreadClient.start<{ greeting: string }>(ENTRY, { greeting: 'bonjour' });
  try {
    expect(thread.started).toEqual({ greeting: 'bonjour' });
    expect(await Promise.all([thread.ask('echo', { n: 1 }), thread.ask('echo', [2, 'é'])])).toEqual([{ n: 1 }, [2, 'é']]);
    await expect(thread.ask('fail')).rejects.toThrow('boom');
    await expect(thread.ask('nothing')).rejects.toThrow('no handler for "nothing"');
    const lines: string[] = [];
    thread.progress = (line) => lines.push(line);
    expect(await thread.ask('progress')).toBe('done');
    expect(lines).toEqual(['halfway']);
  } finally {
    await thread.stop();
  }
});

it('rejects the start with the reason when the thread cannot start', async () => {
  await expect(ThreadClient.start(ENTRY, { refuse: true })).rejects.toThrow('refused to start');
});

it("reads the calling thread's own CPU time, which grows with its work", () => {
  const before = threadCpuMs();
  if (before === null) throw new Error('/proc/thread-self/stat is not readable on this machine (Linux expected)');
  // Work until the process has used 80 ms of CPU (not 80 ms of wall time: on a loaded machine the
  // thread gets only part of each wall second), at most 20 s.
  const start = process.cpuUsage();
  const giveUp = Date.now() + 20_000;
  let spin = 0;
  const used = () => { const d = process.cpuUsage(start); return (d.user + d.system) / 1000; };
  while (used() < 80 && Date.now() < giveUp) spin += 1;
  expect(spin).toBeGreaterThan(0);
  expect(threadCpuMs()! - before).toBeGreaterThanOrEqual(40);
});
