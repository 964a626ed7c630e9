import { PassThrough } from 'node:stream';
import { LocalChat, type CommandRunner } from '../../../adapters/local/chat';
import { refuse } from '../../../src/model/refusals';
import type { Command, CommandResult } from '../../../src/engine/commands';
import type { Actor, CampaignSpec, Locale } from '../../../src/model/campaign';
import { t } from '../../../src/i18n/messages';
import { T0, campaign, otherCampaign, proposal } from '../../render/campaign.fixture';

/** Records every command and answers canned results; throws when told to. */
class FakeEngine implements CommandRunner {
  readonly calls: { command: Command; actor: Actor }[] = [];
  failWith: unknown = null;
  delayMs = 0;

  async execute(command: Command, actor: Actor): Promise<CommandResult> {
    this.calls.push({ command, actor });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failWith !== null) throw this.failWith;
    switch (command.type) {
      case 'propose': return { ok: true, type: 'propose', proposal: proposal('7', command.text, { authorName: actor.displayName }) };
      case 'like': return { ok: true, type: 'like', proposalId: command.proposalId, likes: 1 };
      default: return refuse('phase.closed');
    }
  }
}

interface Session { output: string; engine: FakeEngine; logs: string[]; chat: LocalChat }

async function session(lines: readonly string[], options: { locale?: Locale; campaigns?: CampaignSpec[]; engine?: FakeEngine } = {}): Promise<Session> {
  const engine = options.engine ?? new FakeEngine();
  const input = new PassThrough();
  const output = new PassThrough();
  const logs: string[] = [];
  let text = '';
  output.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
  const chat = new LocalChat({
    engine, input, output, log: (line) => logs.push(line),
    campaigns: options.campaigns ?? [campaign, otherCampaign],
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const done = chat.start();
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return { output: text, engine, logs, chat };
}

const commandsOf = (s: Session): Command[] => s.engine.calls.map((c) => c.command);

describe('LocalChat', () => {
  it('greets, prompts with the current actor and ends cleanly at the end of input', async () => {
    const s = await session(['/as alice']);
    expect(s.output).toBe([
      'cocreate — chat local. Tu es guest (fan) dans « Super Social Movie — Crunch & Norman ». Tape /help pour les commandes.',
      'guest@crunch> Tu es maintenant alice (fan).',
      'alice@crunch> ',
      '', // the end of input ends the prompt's line
    ].join('\n'));
  });

  it('sends every command to the engine as the actor being played', async () => {
    const s = await session(['/like 3', '/as norman curator', '/shortlist add 3', '/as lea manager', '/advance', '/as alice', '/vote cult-line 3']);
    const actors = s.engine.calls.map((c) => c.actor);
    expect(actors).toEqual([
      { platform: 'local', userId: 'guest', displayName: 'guest', grantedRoles: ['fan'] },
      { platform: 'local', userId: 'norman', displayName: 'norman', grantedRoles: ['curator'] },
      { platform: 'local', userId: 'lea', displayName: 'lea', grantedRoles: ['manager'] },
      { platform: 'local', userId: 'alice', displayName: 'alice', grantedRoles: ['fan'] },
    ]);
    expect(s.output).toContain('norman@crunch> ');
    expect(s.output).toContain('Tu es maintenant lea (responsable).');
  });

  it('maps every command to the engine’s Command, in the current campaign', async () => {
    const c = { campaignId: campaign.id };
    const expected: [string, Command][] = [
      ['/status', { ...c, type: 'status' }],
      ['/propose cult-line "Je suis Norman"', { ...c, type: 'propose', categoryId: 'cult-line', text: 'Je suis Norman' }],
      ['/propose cult-line Je suis Norman', { ...c, type: 'propose', categoryId: 'cult-line', text: 'Je suis Norman' }],
      ['/edit 7 "Je suis Batman"', { ...c, type: 'edit', proposalId: '7', text: 'Je suis Batman' }],
      ['/withdraw 7', { ...c, type: 'withdraw', proposalId: '7' }],
      ['/like 7', { ...c, type: 'like', proposalId: '7' }],
      ['/unlike 7', { ...c, type: 'unlike', proposalId: '7' }],
      ['/proposals cult-line mine', { ...c, type: 'proposals', categoryId: 'cult-line', mine: true }],
      ['/reject 7 hors sujet', { ...c, type: 'reject', proposalId: '7', reason: 'hors sujet' }],
      ['/shortlist add 7', { ...c, type: 'shortlist.add', proposalId: '7' }],
      ['/shortlist remove 7', { ...c, type: 'shortlist.remove', proposalId: '7' }],
      ['/shortlist list cult-line', { ...c, type: 'shortlist.list', categoryId: 'cult-line' }],
      ['/vote villain 4 2', { ...c, type: 'vote', categoryId: 'villain', choice: ['4', '2'] }],
      ['/advance cult-line', { ...c, type: 'advance', categoryId: 'cult-line' }],
      ['/pause', { ...c, type: 'pause' }],
      ['/resume cult-line', { ...c, type: 'resume', categoryId: 'cult-line' }],
      ['/extend cult-line PT2H', { ...c, type: 'extend', categoryId: 'cult-line', by: 'PT2H' }],
      ['/tie cult-line 7', { ...c, type: 'break-tie', categoryId: 'cult-line', proposalId: '7' }],
      ['/results', { ...c, type: 'results' }],
      ['/receipt', { ...c, type: 'receipt' }],
      ['/receipt cult-line', { ...c, type: 'receipt', categoryId: 'cult-line' }],
    ];
    const s = await session(expected.map(([line]) => line));
    expect(commandsOf(s)).toEqual(expected.map(([, command]) => command));
  });

  it('prints the engine’s answer in the campaign’s language, or the one asked for', async () => {
    const fr = await session(['/propose cult-line "Je suis Norman"', '/pause']);
    expect(fr.output).toContain('Merci guest ! Ton idée #7 est enregistrée dans « La réplique culte » : Je suis Norman\n');
    expect(fr.output).toContain(`${t('fr', 'phase.closed')}\n`);
    const en = await session(['/like 7'], { locale: 'en' });
    expect(en.output).toContain('You like idea #7. Likes: 1.\n');
  });

  it('answers a thrown engine error with the localized “try again” line, logged as one line', async () => {
    const engine = new FakeEngine();
    engine.failWith = new Error('connection refused\n    at Socket.connect (net.js:1:1)');
    const s = await session(['/like 7', '/as bob'], { engine });
    expect(s.output).toContain(`guest@crunch> ${t('fr', 'store.unavailable')}\n`);
    expect(s.output).not.toMatch(/connection refused|at Socket/);
    expect(s.output).toContain('Tu es maintenant bob (fan).');
    expect(s.logs).toHaveLength(1);
    expect(s.logs[0]).toMatch(/^local chat: "\/like 7" failed: Error: connection refused at Socket\.connect/);
    expect(s.logs[0]).not.toContain('\n');
  });

  it('gives the localized usage for bad arguments and unknown commands, without calling the engine', async () => {
    const s = await session(['/vote', 'bonjour', '/extend cult-line demain'], { locale: 'en' });
    expect(s.engine.calls).toEqual([]);
    expect(s.output).toContain(`Usage: ${t('en', 'usage.vote')}\n`);
    expect(s.output).toContain('Unknown command. Type /help to see them all.\n');
    expect(s.output).toContain(`Usage: ${t('en', 'usage.extend')}\n`);
  });

  it('lists every command on /help', async () => {
    const s = await session(['/help'], { locale: 'en' });
    for (const verb of ['as', 'propose', 'vote', 'shortlist', 'extend', 'tie', 'quit']) expect(s.output).toContain(`  /${verb} `);
  });

  it('switches campaigns with /campaign and refuses an unknown one', async () => {
    const s = await session(['/campaign quirky-auchan', '/status', '/campaign nope', '/campaign'], { locale: 'en' });
    expect(commandsOf(s)).toEqual([{ campaignId: 'quirky-auchan', type: 'status' }]);
    expect(s.output).toContain('Current campaign: “Quirky × Auchan” (quirky-auchan).\nguest@quirky> ');
    expect(s.output).toContain('No loaded campaign is called “nope”. Loaded: crunch-super-social-movie, quirky-auchan.');
    expect(s.output).toContain('Loaded campaigns: crunch-super-social-movie, quirky-auchan.');
  });

  it('says so when no campaign is loaded', async () => {
    const s = await session(['/status'], { campaigns: [], locale: 'en' });
    expect(s.engine.calls).toEqual([]);
    expect(s.output).toContain(t('en', 'local.no-campaign'));
  });

  it('stops at /quit and reads nothing after it', async () => {
    const s = await session(['/quit', '/like 7']);
    expect(s.engine.calls).toEqual([]);
    expect(s.output.endsWith('guest@crunch> À bientôt !\n')).toBe(true);
  });

  it('answers lines one at a time, in order, even when the engine is slow', async () => {
    const engine = new FakeEngine();
    engine.delayMs = 5;
    const s = await session(['/like 1', '/like 2', '/like 3'], { engine, locale: 'en' });
    const answers = s.output.split('\n').filter((line) => line.includes('You like idea'));
    expect(answers).toEqual(['guest@crunch> You like idea #1. Likes: 1.', 'guest@crunch> You like idea #2. Likes: 1.', 'guest@crunch> You like idea #3. Likes: 1.']);
  });

  it('delivers announcements with a 📣 mark and the campaign title, to the terminal of loaded campaigns', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    const chat = new LocalChat({ engine: new FakeEngine(), campaigns: [campaign], input: new PassThrough(), output, locale: 'en' });
    await chat.deliver(
      { id: 'e', campaignId: campaign.id, categoryId: 'cult-line', at: T0, kind: 'phase.paused', phase: 'vote' },
      { platform: 'local', channel: 'terminal' },
    );
    expect(text).toBe('📣 Super Social Movie — Crunch & Norman\n“La réplique culte” is paused during its vote phase. Stay tuned!\n');
    expect(chat.targets(campaign.id)).toEqual([{ platform: 'local', channel: 'terminal' }]);
    expect(chat.targets('other')).toEqual([]);
  });

  it('prints an announcement that arrives while waiting on lines of its own, then prompts again', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    const chat = new LocalChat({ engine: new FakeEngine(), campaigns: [campaign], input, output, locale: 'en' });
    const done = chat.start();
    await new Promise((resolve) => setImmediate(resolve));
    await chat.deliver(
      { id: 'e', campaignId: campaign.id, categoryId: 'cult-line', at: T0, kind: 'phase.paused', phase: 'vote' },
      { platform: 'local', channel: 'terminal' },
    );
    input.end();
    await done;
    expect(text.split('\n').slice(1)).toEqual([
      'guest@crunch> ',
      '📣 Super Social Movie — Crunch & Norman',
      '“La réplique culte” is paused during its vote phase. Stay tuned!',
      'guest@crunch> ',
      '',
    ]);
  });

  it('ends when closed from outside', async () => {
    const input = new PassThrough();
    const chat = new LocalChat({ engine: new FakeEngine(), campaigns: [campaign], input, output: new PassThrough() });
    const done = chat.start();
    chat.close();
    await expect(done).resolves.toBeUndefined();
    await expect(chat.closed).resolves.toBeUndefined();
  });
});
