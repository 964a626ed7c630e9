/**
 * The Outbox contract: every implementation runs this same suite through its runner file,
 * with retries fast enough for tests.
 */
import type { CampaignEvent } from '../../src/model/events';
import type { Platform } from '../../src/model/campaign';
import { RateLimitedError, type DeliveryTarget, type Outbox } from '../../src/ports/outbox';

export interface OutboxHarnessOptions {
  /** Attempts per (event, target) before the implementation gives up. */
  readonly maxAttempts: number;
  /** The implementation reports each delivery it gives up on here. */
  readonly onGiveUp: (eventId: string, target: DeliveryTarget) => void;
}

export interface OutboxHarness {
  readonly outbox: Outbox;
  cleanup(): Promise<void>;
}

interface Delivery {
  readonly event: string;
  readonly to: string;
}

const T0 = Date.parse('2013-02-18T08:00:00Z');

export function describeOutboxContract(name: string, factory: (options: OutboxHarnessOptions) => Promise<OutboxHarness>): void {
  describe(`Outbox contract: ${name}`, () => {
    let h: OutboxHarness;
    let outbox: Outbox;
    let gaveUp: string[];
    let delivered: Delivery[];
    let prefix: string;
    let n = 0;

    beforeEach(async () => {
      gaveUp = [];
      delivered = [];
      prefix = `ob-${Date.now().toString(36)}-${++n}`;
      h = await factory({ maxAttempts: 3, onGiveUp: (eventId, target) => gaveUp.push(`${eventId}|${key(target)}`) });
      outbox = h.outbox;
    });

    afterEach(async () => {
      await h.cleanup();
    });

    const key = (t: DeliveryTarget): string => `${t.platform}/${t.channel}`;
    const campaign = (c = 'a'): string => `${prefix}-${c}`;

    function event(id: string, c = 'a'): CampaignEvent {
      return { id: `${prefix}-${id}`, campaignId: campaign(c), categoryId: 'cat', at: T0, kind: 'phase.paused', phase: 'vote' };
    }

    /** Registers a platform that records what it delivers; `fail` decides which attempts fail. */
    function register(platform: Platform, channels: Record<string, readonly string[]>, fail: (d: Delivery, attempt: number) => boolean = () => false): void {
      const attempts = new Map<string, number>();
      outbox.register(
        platform,
        async (e, target) => {
          const d = { event: e.id.slice(prefix.length + 1), to: key(target) };
          const attempt = (attempts.get(`${d.event}|${d.to}`) ?? 0) + 1;
          attempts.set(`${d.event}|${d.to}`, attempt);
          if (fail(d, attempt)) throw new Error(`delivery ${attempt} of ${d.event} to ${d.to} failed`);
          delivered.push(d);
        },
        (campaignId) => (channels[campaignId.slice(prefix.length + 1)] ?? []).map((channel) => ({ platform, channel })),
      );
    }

    const to = (target: string) => delivered.filter((d) => d.to === target).map((d) => d.event);

    it('delivers each event to every target of every registered platform', async () => {
      register('discord', { a: ['g/1', 'g/2'] });
      register('telegram', { a: ['-100'] });
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      expect(delivered).toHaveLength(3);
      expect(to('discord/g/1')).toEqual(['e1']);
      expect(to('discord/g/2')).toEqual(['e1']);
      expect(to('telegram/-100')).toEqual(['e1']);
    });

    it("delivers a campaign's events only to that campaign's targets", async () => {
      register('discord', { a: ['g/1'], b: ['g/2'] });
      await outbox.enqueue([event('e1', 'a'), event('e2', 'b')]);
      await outbox.idle();
      expect(to('discord/g/1')).toEqual(['e1']);
      expect(to('discord/g/2')).toEqual(['e2']);
    });

    it('delivers an event enqueued twice only once per target', async () => {
      register('discord', { a: ['g/1'] });
      await outbox.enqueue([event('e1'), event('e1')]);
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      expect(delivered).toEqual([{ event: 'e1', to: 'discord/g/1' }]);
    });

    it('delivers once to a target listed twice', async () => {
      register('discord', { a: ['g/1', 'g/1'] });
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      expect(delivered).toEqual([{ event: 'e1', to: 'discord/g/1' }]);
    });

    it('delivers to each target in enqueue order', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
      register('discord', { a: ['g/1', 'g/2'] });
      for (const id of ids.slice(0, 10)) await outbox.enqueue([event(id)]);
      await outbox.enqueue(ids.slice(10).map((id) => event(id)));
      await outbox.idle();
      expect(to('discord/g/1')).toEqual(ids);
      expect(to('discord/g/2')).toEqual(ids);
    });

    it('keeps the order of a target while a delivery is retried', async () => {
      register('discord', { a: ['g/1'] }, (d, attempt) => d.event === 'e1' && attempt < 3);
      await outbox.enqueue([event('e1'), event('e2'), event('e3')]);
      await outbox.idle();
      expect(to('discord/g/1')).toEqual(['e1', 'e2', 'e3']);
    });

    it('delivers events recorded before a platform registers once it does', async () => {
      register('discord', { a: ['g/1'] });
      await outbox.enqueue([event('e1'), event('e2')]);
      await outbox.idle();
      register('telegram', { a: ['-100'] });
      await outbox.idle();
      expect(to('telegram/-100')).toEqual(['e1', 'e2']);
      expect(to('discord/g/1')).toEqual(['e1', 'e2']);
    });

    it('does not deliver again to a platform that registers again', async () => {
      register('discord', { a: ['g/1'] });
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      register('discord', { a: ['g/1', 'g/2'] });
      await outbox.enqueue([event('e2')]);
      await outbox.idle();
      expect(to('discord/g/1')).toEqual(['e1', 'e2']);
      expect(to('discord/g/2')).toEqual(['e1', 'e2']);
    });

    it('retries a failed delivery until it succeeds', async () => {
      register('discord', { a: ['g/1'] }, (_, attempt) => attempt < 3);
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      expect(delivered).toEqual([{ event: 'e1', to: 'discord/g/1' }]);
      expect(gaveUp).toEqual([]);
    });

    it('waits retry_after on a rate-limited delivery, without counting it as a failed attempt', async () => {
      const tried: number[] = [];
      outbox.register('telegram', async () => {
        tried.push(Date.now());
        if (tried.length <= 4) throw new RateLimitedError(150); // more 429s than maxAttempts (3)
        delivered.push({ event: 'e1', to: 'telegram/-1' });
      }, (campaignId) => (campaignId === campaign('a') ? [{ platform: 'telegram', channel: '-1' }] : []));
      await outbox.enqueue([event('e1')]);
      await outbox.idle();
      expect(delivered).toEqual([{ event: 'e1', to: 'telegram/-1' }]);
      expect(gaveUp).toEqual([]);
      for (let i = 1; i < tried.length; i++) expect(tried[i]! - tried[i - 1]!).toBeGreaterThanOrEqual(140);
    });

    it('gives up after maxAttempts, reports it, and goes on with the next events', async () => {
      register('discord', { a: ['g/1'] }, (d) => d.event === 'e1');
      await outbox.enqueue([event('e1'), event('e2')]);
      await outbox.idle();
      expect(gaveUp).toEqual([`${prefix}-e1|discord/g/1`]);
      expect(to('discord/g/1')).toEqual(['e2']);
    });

    it('keeps delivering to the other targets while one keeps failing', async () => {
      register('discord', { a: ['g/bad', 'g/good'] }, (d) => d.to === 'discord/g/bad');
      await outbox.enqueue([event('e1'), event('e2')]);
      await outbox.idle();
      expect(to('discord/g/good')).toEqual(['e1', 'e2']);
      expect(gaveUp.sort()).toEqual([`${prefix}-e1|discord/g/bad`, `${prefix}-e2|discord/g/bad`]);
    });

    it('resolves idle at once when nothing is waiting', async () => {
      await outbox.idle();
      register('discord', { a: ['g/1'] });
      await outbox.idle();
      expect(delivered).toEqual([]);
    });

    it('records events for a campaign with no targets without delivering them', async () => {
      register('discord', { a: ['g/1'] });
      await outbox.enqueue([event('e1', 'z')]);
      await outbox.idle();
      expect(delivered).toEqual([]);
    });
  });
}
