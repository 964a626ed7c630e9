/**
 * The one delivery routine of announcements: steps sent in order and each once across retries,
 * and every failure sorted the same way whatever the platform.
 */
import { Announcer, type DeliveryFailure, type DeliveryStep } from '../../src/chat/delivery';
import { CampaignDirectory } from '../../src/chat/directory';
import type { CampaignEvent } from '../../src/model/events';
import { RateLimitedError } from '../../src/ports/outbox';
import { campaign } from '../render/campaign.fixture';

class Refused extends Error {}
class Limited extends Error {}
class Gone extends Error {}

const classify = (error: unknown): DeliveryFailure => {
  if (error instanceof Limited) return { kind: 'rate-limited', retryAfterMs: 700 };
  if (error instanceof Gone) return { kind: 'unreachable', why: 'no permission' };
  if (error instanceof Refused) return { kind: 'refused', why: 'bad request' };
  return { kind: 'retry' };
};

const event = (id = 'e1'): CampaignEvent => ({ id, campaignId: campaign.id, categoryId: 'cult-line', at: 0, kind: 'phase.paused', phase: 'vote' });
const target = { platform: 'telegram' as const, channel: '-100' };

/** An announcer whose announcements are three steps; `fail(step, attempt)` may throw. */
function announcer(fail: (step: number, attempt: number) => Error | null = () => null) {
  const sent: number[] = [];
  const logs: string[] = [];
  const attempts = new Map<number, number>();
  const steps = (): DeliveryStep[] => [0, 1, 2].map((step) => async () => {
    const attempt = (attempts.get(step) ?? 0) + 1;
    attempts.set(step, attempt);
    const error = fail(step, attempt);
    if (error) throw error;
    sent.push(step);
  });
  const it = new Announcer({ platform: 'telegram', directory: new CampaignDirectory([campaign]), steps, classify, log: (line) => logs.push(line), draw: () => null });
  return { it, sent, logs };
}

describe('the announcement delivery', () => {
  it('sends what is left after a rate limit, each step once, and asks the outbox to wait', async () => {
    const { it, sent } = announcer((step, attempt) => (step === 1 && attempt === 1 ? new Limited() : null));
    await expect(it.deliver(event(), target)).rejects.toEqual(new RateLimitedError(700));
    await it.deliver(event(), target);
    expect(sent).toEqual([0, 1, 2]);
  });

  it('keeps its place for a retry of any other error, and starts over for the next announcement', async () => {
    const { it, sent } = announcer((step, attempt) => (step === 2 && attempt === 1 ? new Error('socket hang up') : null));
    await expect(it.deliver(event(), target)).rejects.toThrow('socket hang up');
    await it.deliver(event(), target);
    await it.deliver(event('e2'), target);
    expect(sent).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('drops a message the platform refuses for good, with a log line, and goes on with the next', async () => {
    const { it, sent, logs } = announcer((step, attempt) => (step === 0 && attempt === 1 ? new Refused() : null));
    await expect(it.deliver(event(), target)).resolves.toBeUndefined();
    expect(logs).toEqual(['telegram: cannot post e1 to -100: bad request (not retried)']);
    await it.deliver(event('e2'), target);
    expect(sent).toEqual([0, 1, 2]);
  });

  it('logs a channel out of reach once, skips it afterwards, and names it for the managers', async () => {
    const { it, sent, logs } = announcer(() => new Gone());
    await it.deliver(event(), target);
    await it.deliver(event('e2'), target);
    expect(sent).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`cannot post in channel -100 of campaign ${campaign.id}: no permission`);
    expect(it.unreachableTargets(campaign.id)).toEqual(['-100']);
  });

  it('ignores the events of a campaign it does not run, and sends the text when the picture cannot be drawn', async () => {
    const logs: string[] = [];
    let pictures = 0;
    const it = new Announcer({
      platform: 'discord', directory: new CampaignDirectory([campaign]), classify, log: (line) => logs.push(line),
      steps: (a) => [async () => { if (a.picture !== null) pictures += 1; }],
      draw: () => { throw new Error('no font'); },
    });
    await it.deliver({ ...event(), campaignId: 'elsewhere' }, target);
    expect(logs).toEqual([]);
    await it.deliver(event(), target);
    expect(pictures).toBe(0);
    expect(logs[0]).toMatch(/^discord: could not draw the results picture of e1: Error: no font; the results go out as text$/);
  });
});
