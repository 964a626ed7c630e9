import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CAMPAIGNS, durabilityOf, loadDotenv, loadEnv, redisEndpointOf } from '../../src/config/env';

describe('run environment', () => {
  it('runs the Crunch campaign locally, in memory, when nothing is set', () => {
    expect(loadEnv({})).toEqual({ ok: true, config: { campaigns: [DEFAULT_CAMPAIGNS], logLevel: 'info', dataDir: '.cocreate', redisCluster: false, redisPrefix: 'cocreate:', drainMs: 10_000 } });
    expect(DEFAULT_CAMPAIGNS).toBe('campaigns/crunch-super-social-movie.yaml');
  });

  it('treats empty variables as unset', () => {
    const env = { COCREATE_LOCALE: '', COCREATE_CAMPAIGNS: ' ', REDIS_URL: '', DISCORD_TOKEN: '', TELEGRAM_BOT_TOKEN: '', LOG_LEVEL: '' };
    expect(loadEnv(env)).toEqual({ ok: true, config: { campaigns: [DEFAULT_CAMPAIGNS], logLevel: 'info', dataDir: '.cocreate', redisCluster: false, redisPrefix: 'cocreate:', drainMs: 10_000 } });
  });

  it('turns on each platform only with its token, and Redis only with its URL', () => {
    const result = loadEnv({
      COCREATE_LOCALE: 'en',
      COCREATE_CAMPAIGNS: 'campaigns/a.yaml, campaigns/b.json,',
      REDIS_URL: 'rediss://user:secret@cache.example:6380/2',
      DISCORD_TOKEN: 'discord-token',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_BASE: 'http://127.0.0.1:4000/api',
      TELEGRAM_BOT_TOKEN: '123:abc',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:4001',
      LOG_LEVEL: 'debug',
      UNRELATED: 'ignored',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        locale: 'en',
        campaigns: ['campaigns/a.yaml', 'campaigns/b.json'],
        redisUrl: 'rediss://user:secret@cache.example:6380/2',
        discord: { token: 'discord-token', applicationId: '123456789012345678', apiBase: 'http://127.0.0.1:4000/api' },
        telegram: { token: '123:abc', apiRoot: 'http://127.0.0.1:4001' },
        logLevel: 'debug',
        dataDir: '.cocreate',
        redisCluster: false,
        redisPrefix: 'cocreate:',
        drainMs: 10_000,
      },
    });
  });

  it('reports every bad variable, one readable line each', () => {
    const result = loadEnv({ COCREATE_LOCALE: 'de', REDIS_URL: 'localhost:6379', DISCORD_TOKEN: 't', DISCORD_API_BASE: 'ftp://x', LOG_LEVEL: 'loud' });
    expect(result).toEqual({
      ok: false,
      problems: [
        'COCREATE_LOCALE: expected one of fr, en, found "de"',
        'REDIS_URL: expected a URL starting with redis:// or rediss://, such as redis://localhost:6379',
        'DISCORD_API_BASE: expected a URL starting with http:// or https://, such as https://discord.com/api',
        'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, found "loud"',
      ],
    });
  });

  it('never shows the value of a variable that may hold a secret', () => {
    const result = loadEnv({ REDIS_URL: 'redis//:hunter2@host', DISCORD_APPLICATION_ID: 'hunter2' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('refuses platform settings without the platform token', () => {
    expect(loadEnv({ DISCORD_APPLICATION_ID: '1', TELEGRAM_API_ROOT: 'http://127.0.0.1:1' })).toEqual({
      ok: false,
      problems: [
        'DISCORD_APPLICATION_ID: is set but DISCORD_TOKEN is not: set DISCORD_TOKEN to run on that platform, or unset DISCORD_APPLICATION_ID',
        'TELEGRAM_API_ROOT: is set but TELEGRAM_BOT_TOKEN is not: set TELEGRAM_BOT_TOKEN to run on that platform, or unset TELEGRAM_API_ROOT',
      ],
    });
  });

  it('turns on Telegram webhook mode with a URL and its secret, on port 8443 unless told', () => {
    expect(loadEnv({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram', TELEGRAM_WEBHOOK_SECRET: 's3cret_-X' })).toMatchObject({
      ok: true,
      config: { telegram: { token: '123:abc', webhook: { url: 'https://bot.example.org/telegram', secret: 's3cret_-X', port: 8443 } } },
    });
    expect(loadEnv({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg', TELEGRAM_WEBHOOK_SECRET: 'x', TELEGRAM_WEBHOOK_PORT: '8080' }))
      .toMatchObject({ ok: true, config: { telegram: { webhook: { port: 8080 } } } });
    // Without a webhook URL: long polling, no webhook settings at all.
    expect(loadEnv({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_URL: '', TELEGRAM_WEBHOOK_SECRET: '' })).toMatchObject({ ok: true, config: { telegram: { token: 't' } } });
    const polling = loadEnv({ TELEGRAM_BOT_TOKEN: 't' });
    expect(polling.ok && polling.config.telegram).toEqual({ token: 't' });
  });

  it('refuses a Telegram webhook without its secret, over plain http, or with a bad secret or port', () => {
    expect(loadEnv({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram' })).toEqual({
      ok: false,
      problems: ['TELEGRAM_WEBHOOK_SECRET: is required with TELEGRAM_WEBHOOK_URL: Telegram sends it back with every update, so that nobody else can post updates to the webhook'],
    });
    const bad = loadEnv({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_URL: 'http://bot.example.org/telegram', TELEGRAM_WEBHOOK_SECRET: 'no spaces allowed', TELEGRAM_WEBHOOK_PORT: '70000' });
    expect(bad).toEqual({
      ok: false,
      problems: [
        'TELEGRAM_WEBHOOK_URL: expected a URL starting with https://, such as https://bot.example.org/telegram',
        'TELEGRAM_WEBHOOK_SECRET: expected 1 to 256 characters among A-Z, a-z, 0-9, _ and -',
        expect.stringMatching(/^TELEGRAM_WEBHOOK_PORT: /),
      ],
    });
    expect(JSON.stringify(bad)).not.toContain('no spaces allowed');
    expect(loadEnv({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram', TELEGRAM_WEBHOOK_SECRET: 'x' })).toEqual({
      ok: false,
      problems: ['TELEGRAM_WEBHOOK_URL: is set but TELEGRAM_BOT_TOKEN is not: set TELEGRAM_BOT_TOKEN to run on that platform, or unset TELEGRAM_WEBHOOK_URL'],
    });
    expect(loadEnv({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_SECRET: 'x' })).toEqual({
      ok: false,
      problems: ['TELEGRAM_WEBHOOK_SECRET: is set but TELEGRAM_WEBHOOK_URL is not: set TELEGRAM_WEBHOOK_URL for webhook mode, or unset TELEGRAM_WEBHOOK_SECRET for long polling'],
    });
  });

  it('refuses a campaign list with no file in it', () => {
    expect(loadEnv({ COCREATE_CAMPAIGNS: ' , ,' })).toEqual({ ok: false, problems: ['COCREATE_CAMPAIGNS: expected one or more campaign files separated by commas'] });
  });

  it('loads a .env file quietly without overriding what is already set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-env-'));
    const path = join(dir, '.env');
    writeFileSync(path, 'COCREATE_LOCALE=en\nLOG_LEVEL=debug\n');
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      loadDotenv({ path, env });
      loadDotenv({ path: join(dir, 'missing.env'), env });
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
    expect(env).toEqual({ COCREATE_LOCALE: 'en', LOG_LEVEL: 'warn' });
    expect(loadEnv(env)).toMatchObject({ ok: true, config: { locale: 'en', logLevel: 'warn' } });
  });

  it('reads a .env file on request before checking the variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-env-'));
    const path = join(dir, '.env');
    writeFileSync(path, 'REDIS_URL=redis://127.0.0.1:6379\n');
    expect(loadEnv({}, { dotenv: path })).toEqual({ ok: true, config: { campaigns: [DEFAULT_CAMPAIGNS], redisUrl: 'redis://127.0.0.1:6379', logLevel: 'info', dataDir: '.cocreate', redisCluster: false, redisPrefix: 'cocreate:', drainMs: 10_000 } });
  });
});

describe('durability and Sentinel in the run environment', () => {
  const config = (env: NodeJS.ProcessEnv) => {
    const result = loadEnv(env);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    return result.config;
  };
  const problems = (env: NodeJS.ProcessEnv) => {
    const result = loadEnv(env);
    return result.ok ? [] : result.problems;
  };

  it('acknowledges as Redis answers by default, and takes COCREATE_ACK, its timeout and strict mode', () => {
    expect(durabilityOf(config({ REDIS_URL: 'redis://127.0.0.1:6379' }))).toEqual({ ack: 'redis', ackTimeoutMs: 500, strict: false });
    expect(durabilityOf(config({ REDIS_URL: 'redis://127.0.0.1:6379', COCREATE_ACK: 'replica', COCREATE_ACK_TIMEOUT_MS: '250', COCREATE_DURABILITY: 'strict' })))
      .toEqual({ ack: 'replica', ackTimeoutMs: 250, strict: true });
    expect(problems({ REDIS_URL: 'redis://x:1', COCREATE_ACK: 'disk' })).toEqual(['COCREATE_ACK: expected one of redis, aof, replica, found "disk"']);
    expect(problems({ REDIS_URL: 'redis://x:1', COCREATE_ACK_TIMEOUT_MS: '5000' })[0]).toMatch(/^COCREATE_ACK_TIMEOUT_MS: /);
  });

  it('refuses an ack mode or strict durability without Redis: the embedded store keeps everything in memory', () => {
    expect(problems({ COCREATE_ACK: 'aof' })).toEqual([expect.stringMatching(/^COCREATE_ACK: is aof but neither REDIS_URL nor REDIS_SENTINELS is set/)]);
    expect(problems({ COCREATE_DURABILITY: 'strict' })).toEqual([expect.stringMatching(/^COCREATE_DURABILITY: is strict but neither REDIS_URL nor REDIS_SENTINELS is set/)]);
    expect(problems({ COCREATE_ACK: 'redis' })).toEqual([]);
  });

  it('finds the master through Sentinel with REDIS_SENTINELS and REDIS_SENTINEL_NAME, REDIS_URL giving only its credentials', () => {
    const c = config({ REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 's3cret', REDIS_URL: 'redis://:pw@ignored:1/2' });
    expect(redisEndpointOf(c)).toEqual({
      kind: 'sentinel', name: 'mymaster', url: 'redis://:pw@ignored:1/2', sentinelPassword: 's3cret',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }, { host: '::1', port: 26381 }],
    });
    expect(redisEndpointOf(config({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' }))).toEqual({ kind: 'sentinel', name: 'm', sentinels: [{ host: 'a', port: 1 }] });
    expect(redisEndpointOf(config({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER: 'true' }))).toEqual({ kind: 'cluster', seeds: ['redis://a:1'] });
    expect(redisEndpointOf(config({ REDIS_URL: 'redis://a:1' }))).toEqual({ kind: 'standalone', url: 'redis://a:1' });
    expect(redisEndpointOf(config({}))).toBeUndefined();
    expect(durabilityOf(config({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', COCREATE_ACK: 'replica' })).ack).toBe('replica');
  });

  it('says what is wrong with a Sentinel setting, never showing the Sentinel password', () => {
    expect(problems({ REDIS_SENTINELS: 'a:1' })).toEqual([expect.stringMatching(/^REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS/)]);
    expect(problems({ REDIS_SENTINELS: 'a', REDIS_SENTINEL_NAME: 'm' })[0]).toMatch(/^REDIS_SENTINELS: expected Sentinels as host:port separated by commas/);
    expect(problems({ REDIS_SENTINEL_NAME: 'm' })).toEqual([expect.stringMatching(/^REDIS_SENTINEL_NAME: is set but REDIS_SENTINELS is not/)]);
    expect(problems({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://a:1', REDIS_CLUSTER: 'true' })).toEqual([expect.stringMatching(/^REDIS_SENTINELS: cannot be used with REDIS_CLUSTER/)]);
    expect(problems({ REDIS_SENTINEL_PASSWORD: 'hunter2' }).join('\n')).not.toContain('hunter2');
  });
});
