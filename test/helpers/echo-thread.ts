/** A thread for test/rehearsal/threads.test.ts: echoes, fails on request, reports progress. */
import { isThreadEntry, serveThread } from '../../rehearsal/threads';

if (isThreadEntry(__filename)) {
  serveThread(async (context) => {
    if (context.data.refuse) throw new Error('refused to start');
    return {
      started: { greeting: context.data.greeting },
      handlers: {
        echo: (value: unknown) => value,
        fail: () => { throw new Error('boom'); },
        progress: () => { context.progress('halfway'); return 'done'; },
      },
    };
  });
}
