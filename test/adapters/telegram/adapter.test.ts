/**
 * The Telegram adapter in this process, against the fake Bot API, with a scripted engine:
 * deliveries (rate limits, long messages, chats that refuse), the error boundary, webhook mode
 * and hostile fan text.
 */
import { createServer } from 'node:net';
import fc from 'fast-check';
import { TelegramAdapter, type CommandRunner } from '../../../adapters/telegram/adapter';
import type { Command, CommandResult } from '../../../src/engine/commands';
import type { CampaignEvent } from '../../../src/model/events';
import type { Actor, CampaignSpec } from '../../../src/model/campaign';
import type { Proposal } from '../../../src/model/records';
import { RateLimitedError } from '../../../src/ports/outbox';
import { FakeBotApi, type FakeChat } from './fake-bot-api';

const CHAT = '-1009';

const campaign: CampaignSpec = {
  id: 'demo', title: 'Demo', locale: 'en',
  channels: { discord: [], telegram: [{ chat: CHAT }] },
  roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: ['admins'] } },
  categories: [{
    id: 'one', title: 'One', phases: [], revealAt: 0,
    proposals: { minLength: 1, maxLength: 1000, perFan: 3 },
    shortlist: { by: 'curators', size: 5 },
    vote: { method: 'single', allowChange: true },
    reveal: { winners: 1, tieBreak: 'earliest' },
  }],
};

function proposal(id: string, text: string, authorName = 'Alice'): Proposal {
  return { id, categoryId: 'one', text, normalized: text, authorKey: 'telegram:1', authorName, platform: 'telegram', createdAt: 0, seq: 1, status: 'active', likes: 0 };
}

/** An engine that answers what the test says, and records what it was asked. */
class ScriptedEngine implements CommandRunner {
  readonly seen: { command: Command; actor: Actor }[] = [];
  answer: (command: Command, actor: Actor) => CommandResult = () => ({ ok: false, code: 'command.invalid' });
  async execute(command: Command, actor: Actor): Promise<CommandResult> {
    this.seen.push({ command, actor });
    return this.answer(command, actor);
  }
}

let fake: FakeBotApi;
let engine: ScriptedEngine;
let adapter: TelegramAdapter;
let group: FakeChat;
const logged: string[] = [];

function event(body: Partial<CampaignEvent> & Pick<CampaignEvent, 'kind'>): CampaignEvent {
  return { id: `e-${Math.random()}`, campaignId: 'demo', categoryId: 'one', at: 0, ...body } as CampaignEvent;
}

const target = { platform: 'telegram' as const, channel: CHAT };

beforeEach(async () => {
  fake = await FakeBotApi.start();
  group = fake.group(Number(CHAT), 'Group');
  engine = new ScriptedEngine();
  logged.length = 0;
  adapter = new TelegramAdapter({ engine, campaigns: [campaign], token: fake.token, apiRoot: fake.apiRoot, log: (line) => logged.push(line) });
  await adapter.start();
});

afterEach(async () => {
  await adapter.stop();
  await fake.close();
});

describe('the Telegram adapter', () => {
  it('lists each campaign chat as a delivery target', () => {
    expect(adapter.targets('demo')).toEqual([{ platform: 'telegram', channel: CHAT }]);
    expect(adapter.targets('other')).toEqual([]);
  });

  it('turns a 429 into a RateLimitedError carrying retry_after, and then sends only what is left', async () => {
    const winners = Array.from({ length: 30 }, (_, i) => ({ id: String(i), text: `${'long idea '.repeat(25)}${i}`, author: 'A', votes: 30 - i }));
    const results = event({ kind: 'results', winners, ballots: 100 });
    fake.failNext('sendMessage', 429, 'Too Many Requests: retry after 7', { retry_after: 7 });
    await expect(adapter.deliver(results, target)).rejects.toEqual(new RateLimitedError(7000));
    await adapter.deliver(results, target);
    const sent = fake.messagesIn(group);
    expect(sent.length).toBeGreaterThan(1);
    for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(4096);
    expect(sent.map((m) => m.text).join('\n')).toContain('long idea long idea');
    // Each line once: the retry did not repeat what had gone out.
    expect(sent.map((m) => m.text).join('\n').match(/#29 ·/g)).toHaveLength(1);
  });

  it('retries a 5xx, and drops with a log line what a chat refuses for good (4xx)', async () => {
    fake.failNext('sendMessage', 502, 'Bad Gateway');
    await expect(adapter.deliver(event({ kind: 'phase.paused', phase: 'vote' }), target)).rejects.toThrow();
    fake.failNext('sendMessage', 403, 'Forbidden: bot was kicked from the supergroup chat');
    await expect(adapter.deliver(event({ kind: 'phase.paused', phase: 'vote' }), target)).resolves.toBeUndefined();
    expect(logged.join('\n')).toContain('bot was kicked');
  });

  it('posts a ballot with the shortlist the event carries, every fan text escaped, without asking the engine', async () => {
    const items = [{ id: '1', text: '<b>x</b> & @all', author: '</code>' }, { id: '2', text: 'fine', author: 'Alice' }];
    await adapter.deliver(event({ kind: 'shortlist.published', items, endsAt: Date.UTC(2030, 0, 1) }), target);
    const [ballot] = fake.messagesIn(group);
    expect(ballot!.text).toContain('#1 · <b>x</b> & @\u200ball — </code>');
    expect(ballot!.entities).toEqual([]);
    expect(ballot!.keyboard.flat().map((b) => b.callback_data)).toEqual(['v:0:0:1', 'v:0:0:2']);
    expect(engine.seen).toEqual([]);
  });

  it('answers a press even when the engine fails, and keeps its own error boundary', async () => {
    engine.answer = () => {
      throw new Error('boom');
    };
    await adapter.deliver(event({ kind: 'shortlist.published', items: [{ id: '1', text: 'a' }], endsAt: 0 }), target);
    const ballot = fake.messagesIn(group)[0]!;
    const answer = await fake.waitForAnswer(fake.press(fake.user(5, 'Eve'), ballot, 'v:0:0:1'));
    expect(answer).toEqual({ text: 'We could not confirm that right now. Please try again in a moment: trying again is safe, nothing is ever counted twice.', show_alert: true });
    // An update that fails (its reply is refused) is logged, and never sets the exit code.
    fake.failNext('sendMessage', 400, 'Bad Request: chat not found');
    engine.answer = () => ({ ok: true, type: 'status', title: 'Demo', roles: ['fan'], categories: [] });
    fake.say(fake.user(5, 'Eve'), group, '/status');
    await fake.waitUntil(() => (logged.some((l) => l.includes('chat not found')) ? true : undefined), 'the error logged');
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('counts a chat administrator as "admins" when the campaign grants it, asking Telegram once', async () => {
    const ada = fake.user(42, 'Ada');
    fake.group(Number(CHAT), 'Group', [ada]);
    engine.answer = () => ({ ok: true, type: 'status', title: 'Demo', roles: ['fan'], categories: [] });
    fake.say(ada, group, '/status');
    fake.say(fake.user(43, 'Bea'), group, '/status');
    await fake.waitUntil(() => (engine.seen.length >= 2 ? true : undefined), 'two commands');
    fake.say(ada, group, '/status');
    await fake.waitUntil(() => (engine.seen.length >= 3 ? true : undefined), 'three commands');
    expect(engine.seen.map((s) => [s.actor.userId, s.actor.memberRoleIds ?? []])).toEqual([['42', ['admins']], ['43', []], ['42', ['admins']]]);
    expect(fake.calls.filter((c) => c.method === 'getChatAdministrators')).toHaveLength(1);
  });

  it('ignores commands meant for another bot, and answers in a chat that runs no campaign', async () => {
    engine.answer = () => ({ ok: true, type: 'status', title: 'Demo', roles: ['fan'], categories: [] });
    const other = fake.group(-55, 'Elsewhere');
    const eve = fake.user(5, 'Eve');
    fake.say(eve, group, '/status@some_other_bot');
    const asked = fake.say(eve, other, '/status');
    const reply = await fake.waitForMessage(other, (m) => m.replyTo === asked.message_id);
    expect(reply.text).toBe('No campaign runs in this chat.');
    expect(engine.seen).toEqual([]);
  });

  it('never sends text Telegram would refuse, whatever the fans write', async () => {
    const alice = fake.user(1, 'Alice');
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 1200 }), fc.string({ maxLength: 80 }), async (text, name) => {
      engine.answer = (command) => (command.type === 'propose'
        ? { ok: true, type: 'propose', proposal: proposal('7', text || 'x', name || 'n') }
        : { ok: false, code: 'command.invalid' });
      const asked = fake.say(alice, group, `/propose one ${text || 'x'}`);
      const reply = await fake.waitForMessage(group, (m) => m.replyTo === asked.message_id);
      expect(reply.entities).toEqual([]);
    }), { numRuns: 25 });
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && !c.ok)).toEqual([]);
  });
});

describe('the Telegram adapter in webhook mode', () => {
  it('registers its https URL with the secret, and takes updates only with that secret', async () => {
    const { hooked, port } = await startHooked(() => 'https://bot.example.org/tg/hook');
    try {
      const set = await fake.waitForCall((c) => c.method === 'setWebhook');
      expect(set.params).toMatchObject({ url: 'https://bot.example.org/tg/hook', secret_token: 'sesame' });
      engine.answer = () => ({ ok: true, type: 'status', title: 'Demo', roles: ['fan'], categories: [] });
      const update = (id: number) => JSON.stringify({
        update_id: id,
        message: { message_id: 100 + id, date: 0, chat: { id: Number(CHAT), type: 'supergroup', title: 'Group' }, from: { id: 5, is_bot: false, first_name: 'Eve' }, text: '/status', entities: [{ type: 'bot_command', offset: 0, length: 7 }] },
      });
      const post = (id: number, secret: string) => waitForListening(() => fetch(`http://127.0.0.1:${port}/tg/hook`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: update(id),
      }));
      expect((await post(1, 'wrong')).status).toBe(403);
      expect(engine.seen).toEqual([]);
      expect((await post(2, 'sesame')).status).toBe(200);
      const reply = await fake.waitForMessage(group, (m) => m.replyTo === 102);
      expect(reply.text).toContain('Demo');
    } finally {
      await hooked.stop();
    }
  });
});

describe('a button press in webhook mode', () => {
  it('is posted to the webhook and answered in the response to that post, with no request of its own', async () => {
    const { hooked } = await startHooked((port) => `https://127.0.0.1:${port}/tg/hook`); // loopback: the fake delivers to it
    const since = fake.calls.length; // the polling adapter of beforeEach made calls before
    try {
      engine.answer = () => ({ ok: true, type: 'vote', categoryId: 'one', choice: ['1'], changed: false, labels: ['a'] });
      await hooked.deliver(event({ kind: 'shortlist.published', items: [{ id: '1', text: 'a' }], endsAt: 0 }), target);
      const ballot = fake.messagesIn(group)[0]!;
      const answer = await fake.waitForAnswer(fake.press(fake.user(5, 'Eve'), ballot, 'v:0:0:1'));
      expect(answer.show_alert).toBe(false);
      expect(engine.seen.map((s) => s.command.type)).toContain('vote');
      const calls = fake.calls.slice(since);
      const answers = calls.filter((c) => c.method === 'answerCallbackQuery');
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ ok: true, viaWebhook: true });
      expect(calls.some((c) => c.method === 'getUpdates')).toBe(false);
    } finally {
      await hooked.stop();
    }
  });
});

/** Stops the polling adapter of beforeEach and starts one on a webhook (secret `sesame`) on a free port. */
async function startHooked(url: (port: number) => string): Promise<{ hooked: TelegramAdapter; port: number }> {
  await adapter.stop();
  const port = await freePort();
  const hooked = new TelegramAdapter({
    engine, campaigns: [campaign], token: fake.token, apiRoot: fake.apiRoot, log: (line) => logged.push(line),
    webhook: { url: url(port), secret: 'sesame', port },
  });
  await hooked.start();
  return { hooked, port };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The webhook server starts listening just after launch: retry a refused connection briefly. */
async function waitForListening(request: () => Promise<Response>): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
