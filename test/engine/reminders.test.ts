import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import type { CampaignEvent } from '../../src/model/events';
import type { ReminderSpec } from '../../src/model/campaign';
import { campaign, category, DAY, fan, harness, HOUR, ok, T0 } from '../helpers/harness';

const PROPOSE_END = T0 + HOUR + 7 * DAY;
const SHORTLIST_END = PROPOSE_END + DAY;
const VOTE_END = SHORTLIST_END + 2 * DAY;
const manager = fan('lea', ['manager']);

const reminders = (h: { delivered: CampaignEvent[] }) =>
  h.delivered.filter((e) => e.kind === 'reminder').map((e) => `${e.kind === 'reminder' ? e.phase : ''}@${(e.at - T0) / HOUR}h`);

/** An outbox that also delivers to two Discord channels, recording each delivery per channel. */
function twoChannelOutbox() {
  const outbox = new MemoryOutbox({ baseDelayMs: 1 });
  const sent: string[] = [];
  outbox.register('discord', async (event, target) => { if (event.kind === 'reminder') sent.push(`${target.channel} ${event.id}`); },
    () => [{ platform: 'discord', channel: 'g/1' }, { platform: 'discord', channel: 'g/2' }]);
  return { outbox, sent };
}

describe('scheduled reminders', () => {
  it('sends the reminders the campaign file declares, each at its time before the phase closes', async () => {
    const declared: ReminderSpec[] = [
      { phase: 'propose', beforeMs: 3 * DAY }, { phase: 'shortlist', beforeMs: 12 * HOUR },
      { phase: 'vote', beforeMs: 36 * HOUR }, { phase: 'vote', beforeMs: HOUR },
    ];
    const h = await harness(campaign([category('villain')], { reminders: declared }));
    await h.until(VOTE_END + HOUR);
    const at = (t: number) => `@${(t - T0) / HOUR}h`;
    expect(reminders(h)).toEqual([
      `propose${at(PROPOSE_END - 3 * DAY)}`, `shortlist${at(SHORTLIST_END - 12 * HOUR)}`,
      `vote${at(VOTE_END - 36 * HOUR)}`, `vote${at(VOTE_END - HOUR)}`,
    ]);
    expect(h.errors).toEqual([]);
  });

  it('sends none with `reminders: []`, and skips a reminder longer than its phase', async () => {
    const none = await harness(campaign([category('villain')], { reminders: [] }));
    await none.until(VOTE_END + HOUR);
    expect(reminders(none)).toEqual([]);
    const tooLong = await harness(campaign([category('villain')], { reminders: [{ phase: 'vote', beforeMs: 3 * DAY }] }));
    await tooLong.until(VOTE_END + HOUR);
    expect(reminders(tooLong)).toEqual([]);
  });

  it('reaches every channel once, even when an extension schedules the reminder again', async () => {
    const { outbox, sent } = twoChannelOutbox();
    const h = await harness(campaign([category('villain')], { reminders: [{ phase: 'vote', beforeMs: DAY }] }), { outbox });
    await h.until(VOTE_END - DAY + HOUR);
    expect(sent).toEqual(['g/1 test-campaign.villain.reminder.vote.86400000', 'g/2 test-campaign.villain.reminder.vote.86400000']);
    ok(await h.run(manager, { type: 'extend', categoryId: 'villain', by: 'PT6H' }));
    await h.until(VOTE_END + 7 * HOUR);
    expect(sent).toHaveLength(2);
    expect(reminders(h)).toHaveLength(1);
  });

  it('sends a reminder that fell due while nothing ran late, once: only the one closest to the deadline', async () => {
    const declared: ReminderSpec[] = [{ phase: 'vote', beforeMs: 36 * HOUR }, { phase: 'vote', beforeMs: DAY }, { phase: 'vote', beforeMs: 2 * HOUR }];
    const { outbox, sent } = twoChannelOutbox();
    const store = new MemoryCampaignStore({ outbox });
    const spec = campaign([category('villain')], { reminders: declared });
    const first = await harness(spec, { outbox, store });
    await first.until(SHORTLIST_END + HOUR); // the vote is open; then "the process stops"
    const restartAt = VOTE_END - 20 * HOUR; // 36 h and 24 h reminders were due meanwhile
    const second = await harness(spec, { start: restartAt, outbox, store });
    await second.until(VOTE_END - 10 * HOUR);
    expect(sent).toEqual(['g/1 test-campaign.villain.reminder.vote.86400000', 'g/2 test-campaign.villain.reminder.vote.86400000']);
    // A second restart does not send it again (the outbox keeps its idempotency key).
    const third = await harness(spec, { start: VOTE_END - 9 * HOUR, outbox, store });
    await third.until(VOTE_END + HOUR);
    expect(sent.filter((s) => s.endsWith('.86400000'))).toHaveLength(2);
    expect(sent.filter((s) => s.endsWith('.7200000'))).toHaveLength(2);
    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
  });
});
