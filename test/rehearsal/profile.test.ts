// The summary of V8 CPU profiles (rehearsal/profile.ts): each sample charged to the function on
// top of its stack and to that function's layer, totals counting a function once per sample.
import { layerOf, summarizeProfiles, ThreadProfiler, type CpuProfile } from '../../rehearsal/profile';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

/** root → onMessage (ws) → build (discord.js) → build (recursion) ; root → vote (engine) ; idle ; GC. */
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6, 7] },
    { id: 2, callFrame: frame('onMessage', 'file:///app/node_modules/ws/lib/websocket.js', 10), children: [3] },
    { id: 3, callFrame: frame('build', 'file:///app/node_modules/discord.js/src/structures/Message.js', 5), children: [4] },
    { id: 4, callFrame: frame('build', 'file:///app/node_modules/discord.js/src/structures/Message.js', 5) },
    { id: 5, callFrame: frame('vote', 'file:///app/src/engine/engine.ts', 300) },
    { id: 6, callFrame: frame('(idle)', '') },
    { id: 7, callFrame: frame('(garbage collector)', '') },
  ],
  startTime: 0,
  endTime: 10_000,
  // Each sample lasts until the next one: 1 ms each (the last one: none).
  samples: [4, 4, 3, 2, 5, 5, 6, 6, 7, 5],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('summarizing CPU profiles', () => {
  it('charges each sample to the function on top of the stack and to its layer, idle apart', () => {
    const s = summarizeProfiles([PROFILE]);
    expect(s.idleMs).toBe(2);
    expect(s.busyMs).toBe(7); // the last sample has no length
    expect(Object.fromEntries(s.layers.map((l) => [l.layer, l.ms]))).toEqual({
      'discord.js (objects, client, gateway handlers)': 3,
      'engine (src/engine)': 2,
      'ws (WebSocket frames)': 1,
      'garbage collector': 1,
    });
    expect(s.bySelf[0]).toMatchObject({ name: 'build', where: 'discord.js/src/structures/Message.js:6', selfMs: 3 });
  });

  it('counts a function once per sample in its total, however deep it recurses', () => {
    const s = summarizeProfiles([PROFILE]);
    const total = Object.fromEntries(s.byTotal.map((f) => [f.name, f.totalMs]));
    expect(total).toMatchObject({ onMessage: 4, build: 3, vote: 2 });
    expect(total['(root)']).toBeUndefined();
  });

  it('adds up several threads\' profiles', () => {
    expect(summarizeProfiles([PROFILE, PROFILE]).busyMs).toBe(14);
  });

  it('names the layers of the libraries and folders a bot runs', () => {
    expect(layerOf('request', 'file:///x/node_modules/undici/lib/api/api-request.js')).toBe('undici (HTTP client)');
    expect(layerOf('x', 'node:internal/deps/undici/undici')).toBe('undici (HTTP client)');
    expect(layerOf('callApi', 'file:///x/node_modules/telegraf/lib/core/network/client.js')).toBe('telegraf');
    expect(layerOf('sendCommand', 'file:///x/node_modules/ioredis/built/Redis.js')).toBe('Redis client (ioredis)');
    expect(layerOf('makeRequest', 'file:///x/node_modules/@discordjs/rest/dist/index.js')).toBe('@discordjs/rest (REST queue, buckets)');
    expect(layerOf('onVote', 'file:///x/adapters/discord/adapter.ts')).toBe('our adapter code (adapters/)');
    expect(layerOf('castBallot', 'file:///x/src/stores/redis/redis-store.ts')).toBe('store, outbox, scheduler (src/stores, src/outbox, src/scheduler)');
    expect(layerOf('writev', '')).toBe('socket reads and writes (syscalls)');
    expect(layerOf('connect', '')).toBe('TCP connections opened and closed (syscalls)');
    expect(layerOf('parserOnHeadersComplete', 'node:_http_common')).toBe('Node core: HTTP (node:_http_*, http parser)');
    expect(layerOf('(idle)', '')).toBe('idle');
  });

  it('profiles the calling thread between start and stop', async () => {
    const profiler = new ThreadProfiler();
    await profiler.start(100);
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    const profile = await profiler.stop();
    expect(x).toBeGreaterThan(0);
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(summarizeProfiles([profile]).busyMs).toBeGreaterThan(0);
  });
});
