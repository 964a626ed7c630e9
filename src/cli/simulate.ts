/**
 * `cocreate simulate`: plays a whole campaign in virtual time with a synthetic crowd, through
 * the same engine entry point the platforms use. Deterministic for a given seed: fans,
 * ideas, likes and ballots come from one seeded generator, and every decision is taken at
 * the moment it is acted on, from what the store holds then.
 */
import type { Actor, CampaignSpec, CategorySpec, Platform } from '../model/campaign';
import type { Command, CommandResult } from '../engine/commands';
import type { ExportDocument } from '../engine/commands';
import type { ResultsDocument } from '../engine/engine';
import type { Proposal } from '../model/records';
import { VirtualClock } from '../clock/virtual-clock';
import { embeddedRuntime, type Runtime } from './runtime';

export interface SimulationOptions {
  readonly fans: number;
  readonly seed: string;
  /** Builds the runtime on the simulation's virtual clock; the embedded default when absent. */
  readonly runtime?: (campaign: CampaignSpec, clock: VirtualClock) => Promise<Runtime>;
  /** Called every few hundred actions with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SimulationStats {
  readonly fans: number;
  readonly actions: number;
  readonly accepted: Readonly<Record<string, number>>;
  readonly refused: Readonly<Record<string, number>>;
  readonly announcements: Readonly<Record<string, number>>;
}

export interface Simulation {
  readonly runtime: Runtime;
  readonly document: ResultsDocument;
  /** Every idea or option with its author, likes, shortlist and votes (the manager's export). */
  readonly exported: ExportDocument;
  readonly stats: SimulationStats;
}

type Action =
  | { at: number; kind: 'propose'; fan: number; category: CategorySpec }
  | { at: number; kind: 'like'; fan: number; category: CategorySpec }
  | { at: number; kind: 'curate'; category: CategorySpec }
  | { at: number; kind: 'vote'; fan: number; category: CategorySpec; forged?: boolean };

const MINUTE = 60_000;

/** Plays `campaign` from before its first phase to after its last reveal. */
export async function simulate(campaign: CampaignSpec, options: SimulationOptions): Promise<Simulation> {
  const rng = seededRandom(`${options.seed}/${campaign.id}`);
  const starts = campaign.categories.map((c) => c.phases[0]?.start ?? c.revealAt);
  const clock = new VirtualClock(Math.min(...starts) - MINUTE);
  const runtime = options.runtime
    ? await options.runtime(campaign, clock)
    : embeddedRuntime({ campaigns: [campaign], clock, outbox: { baseDelayMs: 1 } });
  const announcements: Record<string, number> = {};
  runtime.outbox.register('local', async (event) => { announcements[event.kind] = (announcements[event.kind] ?? 0) + 1; },
    () => [{ platform: 'local', channel: 'simulation' }]);
  await runtime.engine.start();

  const crowd = new Crowd(campaign, options.fans, rng);
  const agenda = campaign.categories.flatMap((c) => crowd.plan(c)).sort((a, b) => a.at - b.at);
  const accepted: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const exec = async (command: Command, actor: Actor): Promise<CommandResult> => {
    const result = await runtime.engine.execute(command, actor);
    const tally = result.ok ? accepted : refused;
    const key = result.ok ? command.type : result.code;
    tally[key] = (tally[key] ?? 0) + 1;
    return result;
  };

  for (const [i, action] of agenda.entries()) {
    if (action.at > clock.now()) {
      await clock.runUntil(action.at);
      await schedulerIdle(runtime);
    }
    await crowd.act(action, exec);
    if (i % 500 === 0) options.onProgress?.(i, agenda.length);
  }
  await clock.runUntil(Math.max(...campaign.categories.map((c) => c.revealAt)) + MINUTE);
  await settle(runtime);
  await crowd.breakTies(exec);
  await settle(runtime);
  options.onProgress?.(agenda.length, agenda.length);

  const document = await runtime.engine.report(campaign.id);
  const exported = await runtime.engine.exportDocument(campaign.id);
  return { runtime, document, exported, stats: { fans: options.fans, actions: agenda.length, accepted, refused, announcements } };
}

async function settle(runtime: Runtime): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await schedulerIdle(runtime);
  await runtime.engine.idle(); // the seals of revealed categories (their ballots digests)
  await runtime.outbox.idle();
}

/**
 * Waits for the phase jobs fired by the virtual clock to finish (a reveal on Redis takes a
 * few round trips), so that the crowd acts, and the results are read, after them.
 */
async function schedulerIdle(runtime: Runtime): Promise<void> {
  const scheduler = runtime.scheduler as { idle?: () => Promise<void> };
  if (typeof scheduler.idle === 'function') await scheduler.idle();
}

const FIRST_NAMES = ['Camille', 'Léa', 'Hugo', 'Inès', 'Lucas', 'Chloé', 'Nathan', 'Manon', 'Yanis', 'Zoé', 'Malik', 'Jade', 'Théo', 'Sarah', 'Noah', 'Aïcha'];
const WORDS_A = ['Le retour du', 'La revanche du', 'Le mystère du', 'La nuit du', 'Le réveil du', 'Le secret du', 'La chute du', 'Le bal du', 'La quête du', 'Le rêve du', 'Le clan du', 'La légende du'];
const WORDS_B = ['croquant', 'chocolat', 'robot', 'pirate', 'dragon', 'biscuit', 'fantôme', 'cosmonaute', 'lama', 'ninja', 'volcan', 'caramel', 'hibou', 'zeppelin'];
const WORDS_C = ['géant', 'masqué', 'doré', 'maudit', 'volant', 'invisible', 'sauvage', 'électrique', 'poli', 'furieux', 'timide', 'supersonique'];

/** The synthetic crowd: who acts when, and what each one picks when the time comes. */
class Crowd {
  /** Hidden appeal of each idea or option: it drives likes, curators' picks and ballots. */
  private readonly appeal = new Map<string, number>();
  private readonly proposals = new Map<string, Proposal[]>();
  private readonly curator: Actor = { platform: 'local', userId: 'curator', displayName: 'Curator', grantedRoles: ['curator'] };

  constructor(private readonly campaign: CampaignSpec, private readonly fans: number, private readonly rng: () => number) {}

  plan(category: CategorySpec): Action[] {
    const actions: Action[] = [];
    const window = (phase: 'propose' | 'shortlist' | 'vote') => category.phases.find((w) => w.phase === phase);
    const at = (w: { start: number; end: number }) => w.start + Math.floor(this.rng() * (w.end - w.start - MINUTE));
    const propose = window('propose');
    if (propose) {
      const minimum = 3 * (category.shortlist.size ?? 5) + 2;
      const proposers = Math.min(this.fans, Math.max(minimum, Math.ceil(this.fans * 0.04)));
      for (let i = 0; i < proposers; i++) {
        const fan = Math.floor(this.rng() * this.fans);
        const count = 1 + (this.rng() < 0.2 ? 1 : 0);
        for (let k = 0; k < count; k++) actions.push({ at: at(propose), kind: 'propose', fan, category });
      }
      for (let fan = 0; fan < this.fans; fan++) {
        if (this.rng() < 0.5) for (let k = 1 + Math.floor(this.rng() * 3); k > 0; k--) actions.push({ at: at(propose), kind: 'like', fan, category });
      }
    }
    const shortlist = window('shortlist');
    if (shortlist) actions.push({ at: shortlist.start + MINUTE, kind: 'curate', category });
    const vote = window('vote');
    if (vote) {
      for (let fan = 0; fan < this.fans; fan++) {
        if (this.rng() < 0.7) actions.push({ at: at(vote), kind: 'vote', fan, category });
        if (this.rng() < 0.05) actions.push({ at: at(vote), kind: 'vote', fan, category }); // changes their mind, or tries twice
        if (this.rng() < 0.005) actions.push({ at: at(vote), kind: 'vote', fan, category, forged: true });
      }
    }
    return actions;
  }

  async act(action: Action, exec: (c: Command, a: Actor) => Promise<CommandResult>): Promise<void> {
    const campaignId = this.campaign.id;
    const categoryId = action.category.id;
    switch (action.kind) {
      case 'propose': {
        const r = await exec({ type: 'propose', campaignId, categoryId, text: this.ideaText(action.category) }, this.actor(action.fan));
        if (r.ok && r.type === 'propose') {
          this.appeal.set(r.proposal.id, this.rng() ** 2);
          this.ideas(categoryId).push(r.proposal);
        }
        return;
      }
      case 'like': {
        const target = this.pick(this.ideas(categoryId));
        if (target) await exec({ type: 'like', campaignId, proposalId: target.id }, this.actor(action.fan));
        return;
      }
      case 'curate':
        await this.curate(action.category, exec);
        return;
      case 'vote': {
        const choice = action.forged ? ['forged-id'] : await this.ballot(action.category, exec);
        if (choice.length > 0) await exec({ type: 'vote', campaignId, categoryId, choice }, this.actor(action.fan));
      }
    }
  }

  /** Curators' work in the shortlist phase: pick the ideas they like best, or review the rule's picks. */
  private async curate(category: CategorySpec, exec: (c: Command, a: Actor) => Promise<CommandResult>): Promise<void> {
    const campaignId = this.campaign.id;
    const listed = await exec({ type: 'shortlist.list', campaignId, categoryId: category.id }, this.curator);
    const current = listed.ok && listed.type === 'shortlist.list' ? listed.proposals : [];
    const taste = (p: Proposal) => (this.appeal.get(p.id) ?? 0) + p.likes / 1000;
    if (category.shortlist.by === 'curators') {
      const all = await exec({ type: 'proposals', campaignId, categoryId: category.id }, this.curator);
      const live = all.ok && all.type === 'proposals' ? all.proposals.filter((p) => p.status === 'active' || p.status === 'review') : [];
      for (const p of [...live].sort((a, b) => taste(b) - taste(a)).slice(0, category.shortlist.size)) {
        await exec({ type: 'shortlist.add', campaignId, proposalId: p.id }, this.curator);
      }
    } else if (category.shortlist.by === 'threshold') {
      // Expert review: about one idea in ten is not feasible.
      for (const p of current) {
        if (this.rng() < 0.1 && current.length > category.reveal.winners + 1) {
          await exec({ type: 'reject', campaignId, proposalId: p.id, reason: 'Not feasible in stores' }, this.curator);
        }
      }
    } else if (current.length > 0) {
      // Community likes, curator's pick: swap the least appealing shortlisted idea for a better one left out.
      const inList = new Set(current.map((p) => p.id));
      const worst = [...current].sort((a, b) => taste(a) - taste(b))[0];
      const best = this.ideas(category.id).filter((p) => !inList.has(p.id)).sort((a, b) => taste(b) - taste(a))[0];
      if (worst && best && taste(best) > taste(worst)) {
        await exec({ type: 'shortlist.remove', campaignId, proposalId: worst.id }, this.curator);
        await exec({ type: 'shortlist.add', campaignId, proposalId: best.id }, this.curator);
      }
    }
  }

  /** A fan's ballot, from the shortlist as it stands: favourites are drawn by appeal. */
  private async ballot(category: CategorySpec, exec: (c: Command, a: Actor) => Promise<CommandResult>): Promise<string[]> {
    const key = `shortlist/${category.id}`;
    let options = this.proposals.get(key);
    if (!options) {
      const r = await exec({ type: 'shortlist.list', campaignId: this.campaign.id, categoryId: category.id }, this.curator);
      const listed = r.ok && r.type === 'shortlist.list' ? [...r.proposals] : [];
      for (const o of listed) if (!this.appeal.has(o.id)) this.appeal.set(o.id, this.rng());
      this.proposals.set(key, listed);
      options = listed;
    }
    const rule = category.vote;
    const wanted = rule.method === 'single' ? 1
      : rule.method === 'approval' ? 1 + Math.floor(this.rng() * rule.maxChoices)
        : Math.min(rule.maxRanks ?? options.length, options.length);
    const pool = [...options];
    const choice: string[] = [];
    while (choice.length < wanted && pool.length > 0) {
      const p = this.pick(pool)!;
      choice.push(p.id);
      pool.splice(pool.indexOf(p), 1);
    }
    return choice;
  }

  /** After the reveal, curators settle any tie they were asked to break. */
  async breakTies(exec: (c: Command, a: Actor) => Promise<CommandResult>): Promise<void> {
    for (const category of this.campaign.categories) {
      for (let round = 0; round < category.reveal.winners; round++) {
        const r = await exec({ type: 'results', campaignId: this.campaign.id, categoryId: category.id }, this.curator);
        const tied = r.ok && r.type === 'results' ? r.results[0]?.tiedPending : undefined;
        if (!tied?.length) break;
        await exec({ type: 'break-tie', campaignId: this.campaign.id, categoryId: category.id, proposalId: tied[0]! }, this.curator);
      }
    }
  }

  private ideas(categoryId: string): Proposal[] {
    let list = this.proposals.get(categoryId);
    if (!list) this.proposals.set(categoryId, (list = []));
    return list;
  }

  /** Draws one item with a probability that grows with its appeal. */
  private pick<T extends { id: string }>(items: readonly T[]): T | undefined {
    if (items.length === 0) return undefined;
    const weights = items.map((p) => 0.05 + (this.appeal.get(p.id) ?? 0.5));
    let r = this.rng() * weights.reduce((a, b) => a + b, 0);
    for (const [i, w] of weights.entries()) if ((r -= w) <= 0) return items[i];
    return items[items.length - 1];
  }

  private ideaText(category: CategorySpec): string {
    const word = (list: readonly string[]) => list[Math.floor(this.rng() * list.length)]!;
    const text = `${word(WORDS_A)} ${word(WORDS_B)} ${word(WORDS_C)}`;
    return text.slice(0, category.proposals.maxLength).padEnd(category.proposals.minLength, '!');
  }

  private actor(fan: number): Actor {
    const platforms: Platform[] = ['discord', 'telegram', 'local'];
    const platform = platforms[fan % 3]!;
    const userId = platform === 'discord' ? String(100_000_000_000_000_000n + BigInt(fan)) : String(10_000 + fan);
    return { platform, userId, displayName: `${FIRST_NAMES[fan % FIRST_NAMES.length]} ${fan}` };
  }
}

/** A small seeded generator (mulberry32 over a string hash): the same seed, the same crowd. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
