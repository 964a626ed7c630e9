/**
 * The operations plumbing in one process: JSON logs without secrets, metrics that move with
 * the engine's answers, the health report, and the shutdown gate.
 */
import { Writable } from 'node:stream';
import { createLogger, scrub, secretsOf } from '../../src/observe/logger';
import { Metrics, observeCommands, observeOutbox } from '../../src/observe/metrics';
import { checkHealth, startOpsServer } from '../../src/observe/server';
import { CommandGate } from '../../src/cli/command-gate';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { RateLimitedError } from '../../src/ports/outbox';
import type { Actor } from '../../src/model/campaign';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { CampaignEvent } from '../../src/model/events';

const actor: Actor = { platform: 'discord', userId: '42', displayName: 'Ada', memberRoleIds: [] };
const vote: Command = { type: 'vote', campaignId: 'c1', categoryId: 'cat', choice: ['1'] };

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  return { lines, destination };
}

describe('the operator log', () => {
  it('writes one JSON object a line and never a token or a Redis password', () => {
    const { lines, destination } = capture();
    const config = { redisUrl: 'redis://user:s3cr3t-pass@cache:6379/0', discord: { token: 'MTAx.discord-secret-token' }, telegram: { token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012' } };
    const logger = createLogger({ level: 'info', secrets: secretsOf(config), destination });
    logger.info({ campaign: 'c1', actor: 'discord:42', token: 'x-token-value' }, 'connected to redis://user:s3cr3t-pass@cache:6379/0 with MTAx.discord-secret-token');
    logger.error({ err: new Error('GET http://127.0.0.1/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012/getMe failed') }, 'telegram');
    logger.info({ config }, 'config');
    const all = lines.join('\n');
    for (const secret of ['s3cr3t-pass', 'discord-secret-token', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012', 'x-token-value']) expect(all).not.toContain(secret);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ campaign: 'c1', actor: 'discord:42', token: '[redacted]', level: 30 });
    expect(first.msg).toBe('connected to redis://user:***@cache:6379/0 with [redacted]');
  });

  it('masks URL passwords and Telegram tokens in any text', () => {
    expect(scrub('rediss://:pw@h:1 and redis://u:p@h')).toBe('rediss://:***@h:1 and redis://u:***@h');
    expect(scrub('/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012/x')).toBe('/bot[redacted]/x');
  });
});

describe('metrics', () => {
  it('count ballots, proposals and refusals by code as the engine answers', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    let answer: CommandResult = { ok: true, type: 'vote', categoryId: 'cat', choice: ['1'], changed: false, labels: ['One'] };
    const seen: string[] = [];
    const runner = observeCommands({ execute: async () => answer }, metrics, (command, who, result) => seen.push(`${command.type} ${who.userId} ${result.ok}`));
    await runner.execute(vote, actor);
    answer = { ok: false, code: 'vote.already-cast' };
    await runner.execute(vote, actor);
    await runner.execute(vote, actor);
    const text = await metrics.text();
    expect(text).toContain('cocreate_ballots_total{campaign="c1"} 1');
    expect(text).toContain('cocreate_refusals_total{code="vote.already-cast"} 2');
    expect(text).toContain('cocreate_commands_total{command="vote",outcome="refused"} 2');
    expect(seen).toEqual(['vote 42 true', 'vote 42 false', 'vote 42 false']);
  });

  it('count outbox deliveries, 429s and the backlog', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const memory = new MemoryOutbox({ baseDelayMs: 1 });
    metrics.watchBacklog(memory);
    const outbox = observeOutbox(memory, metrics);
    let limited = 1;
    outbox.register('discord', async () => { if (limited-- > 0) throw new RateLimitedError(5); }, () => [{ platform: 'discord', channel: 'g/c' }]);
    const event = { id: 'e1', campaignId: 'c1', categoryId: 'cat', kind: 'reminder', phase: 'vote', endsAt: 0, at: 0 } as unknown as CampaignEvent;
    await outbox.enqueue([event]);
    expect(await metrics.text()).toContain('cocreate_outbox_backlog 1');
    await outbox.idle();
    const text = await metrics.text();
    expect(text).toContain('cocreate_outbox_rate_limited_total{platform="discord"} 1');
    expect(text).toContain('cocreate_outbox_deliveries_total{platform="discord",outcome="ok"} 1');
    expect(text).toContain('cocreate_outbox_backlog 0');
    await outbox.close();
  });
});

describe('health', () => {
  it('is 200 when every check passes and 503 naming the failed one', async () => {
    let redis: string | null = null;
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', metrics: new Metrics({ defaultMetrics: false }), checks: () => [
      { name: 'redis', check: async () => redis },
      { name: 'discord', check: async () => null },
    ] });
    try {
      const ok = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, checks: { redis: { ok: true }, discord: { ok: true } } });
      redis = 'redis is reconnecting';
      const bad = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(bad.status).toBe(503);
      expect(await bad.json()).toEqual({ ok: false, checks: { redis: { ok: false, error: 'redis is reconnecting' }, discord: { ok: true } } });
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('fails a check that does not answer in time', async () => {
    const report = await checkHealth([{ name: 'slow', check: () => new Promise(() => {}) }], 20);
    expect(report).toEqual({ ok: false, checks: { slow: { ok: false, error: 'no answer within 20 ms' } } });
  });
});

describe('the shutdown gate', () => {
  it('answers bot.restarting once closed, after letting commands inside finish', async () => {
    let release!: () => void;
    const inside = new Promise<void>((resolve) => { release = resolve; });
    const gate = new CommandGate({ execute: async () => { await inside; return { ok: true, type: 'vote', categoryId: 'cat', choice: ['1'], changed: false, labels: [] }; } });
    const first = gate.execute(vote, actor);
    let closed = false;
    const closing = gate.close().then(() => { closed = true; });
    expect(await gate.execute(vote, actor)).toEqual({ ok: false, code: 'bot.restarting' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    release();
    expect((await first).ok).toBe(true);
    await closing;
    expect(closed).toBe(true);
  });
});
