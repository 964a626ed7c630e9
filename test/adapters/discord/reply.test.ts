/**
 * The first answer to an interaction: the engine's answer itself when it comes in time (one
 * request), else a deferral and its edit, never both a reply and a deferral.
 */
import { InteractionExpired, InteractionLateness, LazyReply } from '../../../adapters/discord/reply';

type Call = { what: string; payload?: unknown };

function stubInteraction(delays: { defer?: number } = {}) {
  const calls: Call[] = [];
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const interaction = {
    reply: async (payload: unknown) => { calls.push({ what: 'reply', payload }); },
    update: async (payload: unknown) => { calls.push({ what: 'update', payload }); },
    deferReply: async (payload: unknown) => { calls.push({ what: 'deferReply', payload }); await later(delays.defer ?? 0); calls.push({ what: 'deferred' }); },
    deferUpdate: async () => { calls.push({ what: 'deferUpdate' }); },
    editReply: async (payload: unknown) => { calls.push({ what: 'editReply', payload }); },
  };
  return { calls, interaction: interaction as never };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('replies with the answer itself, ephemeral, when it comes before the deferral is due', async () => {
  const { calls, interaction } = stubInteraction();
  const reply = new LazyReply(interaction, 'reply', 50, () => {});
  await reply.send({ content: 'ok' });
  await sleep(80);
  expect(calls).toEqual([{ what: 'reply', payload: { content: 'ok', flags: 64 } }]);
  expect(reply.answered).toBe(true);
  expect(reply.deferred).toBe(false);
});

it('defers when the answer is late, then edits the deferred reply with it', async () => {
  const { calls, interaction } = stubInteraction();
  const reply = new LazyReply(interaction, 'reply', 10, () => {});
  await sleep(40);
  expect(reply.deferred).toBe(true);
  await reply.send({ content: 'late' });
  expect(calls).toEqual([{ what: 'deferReply', payload: { flags: 64 } }, { what: 'deferred' }, { what: 'editReply', payload: { content: 'late' } }]);
});

it('waits for a deferral still on its way before editing', async () => {
  const { calls, interaction } = stubInteraction({ defer: 30 });
  const reply = new LazyReply(interaction, 'reply', 5, () => {});
  await sleep(15); // the deferral has left, Discord has not answered it yet
  await reply.send({ content: 'after' });
  expect(calls.map((c) => c.what)).toEqual(['deferReply', 'deferred', 'editReply']);
});

it('updates the message in place in update mode, or defers the update when late', async () => {
  const quick = stubInteraction();
  await new LazyReply(quick.interaction, 'update', 50, () => {}).send({ content: 'rank 2' });
  expect(quick.calls).toEqual([{ what: 'update', payload: { content: 'rank 2' } }]);
  const slow = stubInteraction();
  const reply = new LazyReply(slow.interaction, 'update', 5, () => {});
  await sleep(20);
  await reply.send({ content: 'rank 2' });
  expect(slow.calls.map((c) => c.what)).toEqual(['deferUpdate', 'editReply']);
});

it('reports a deferral that failed while nobody waited for it, and never defers after answering', async () => {
  const errors: unknown[] = [];
  const failing = { deferReply: () => Promise.reject(new Error('10062')), reply: async () => {}, editReply: async () => {} };
  new LazyReply(failing as never, 'reply', 5, (error) => errors.push(error));
  await sleep(20);
  expect(errors).toHaveLength(1);
  const { calls, interaction } = stubInteraction();
  const answered = new LazyReply(interaction, 'reply', 5, () => {});
  await answered.send({ content: 'done' });
  await answered.defer();
  await sleep(20);
  expect(calls.map((c) => c.what)).toEqual(['reply']);
});

it('defers sooner an interaction that was created a while ago (it waited in a busy process)', async () => {
  const { calls, interaction } = stubInteraction();
  const reply = new LazyReply(interaction, 'reply', 1_500, () => {}, Date.now() - 2_200); // 300 ms left to defer in time
  await sleep(150);
  expect(reply.deferred).toBe(false);
  await sleep(250);
  expect(reply.deferred).toBe(true);
  await reply.send({ content: 'late' });
  expect(calls.map((c) => c.what)).toEqual(['deferReply', 'deferred', 'editReply']);
});

it('never defers an interaction that arrives with too little time left: the reply itself goes when ready', async () => {
  const { calls, interaction } = stubInteraction();
  const reply = new LazyReply(interaction, 'reply', 1_500, () => {}, Date.now() - 2_400);
  await sleep(300);
  expect(reply.deferred).toBe(false);
  await reply.send({ content: 'just in time' });
  expect(calls).toEqual([{ what: 'reply', payload: { content: 'just in time', flags: 64 } }]);
});

it('sends nothing for an interaction already too old to be answered, and says so', async () => {
  const { calls, interaction } = stubInteraction();
  const reply = new LazyReply(interaction, 'reply', 1_500, () => {}, Date.now() - 2_900);
  await expect(reply.send({ content: 'too late' })).rejects.toBeInstanceOf(InteractionExpired);
  await expect(reply.defer()).resolves.toBeUndefined(); // already given up: no deferral either
  expect(calls).toEqual([]);
});

it('measures lateness from the quickest recent delivery, whatever the clocks say', () => {
  const lateness = new InteractionLateness(60_000);
  const skew = 5_000; // this machine's clock runs 5 s ahead of Discord's
  const t0 = 1_000_000;
  expect(lateness.of(t0 - skew, t0 + 40)).toBe(0); // the first delivery sets the floor (40 ms)
  expect(lateness.of(t0 - skew + 1_000, t0 + 1_030)).toBe(0); // quicker: new floor
  expect(lateness.of(t0 - skew + 2_000, t0 + 2_030 + 2_900)).toBe(2_900); // waited 2.9 s in a busy process
  expect(lateness.of(t0 - skew + 100_000, t0 + 100_000 + 500)).toBe(0); // a minute later the floor is measured again
});
