/**
 * One category's effective rules and phase windows, and every rule that ties several keys
 * together. Validation and resolution share this code: validation keeps the issues,
 * resolution keeps the category spec.
 */
import { defaultSeed, type CategorySpec, type ProposalRules, type RevealRule, type ShortlistRule, type VoteRule } from '../model/campaign';
import type { Issue, Path } from './issues';
import type { CampaignFile, CategoryFile, ScheduleFile } from './schema';
import { chainPhases, type ChainStep } from './schedule';

/** The campaign-level keys a category inherits. */
export type CampaignRules = Pick<CampaignFile, 'schedule' | 'proposals' | 'shortlist' | 'vote' | 'reveal'>;
export type InheritedKey = keyof CampaignRules;

type RuleKey = 'proposals' | 'shortlist' | 'vote' | 'reveal';

/** A value and where the file says it: the category's own key, or the campaign's. */
interface Sourced<T> {
  readonly value: T;
  readonly path: Path;
}

export interface CategoryPlan {
  readonly spec?: CategorySpec;
  readonly issues: Issue[];
}

/** Drops keys whose value is undefined, so zod's `key?: T | undefined` fits the model's `key?: T`. */
type Compact<T> = T extends unknown
  ? { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> }
  : never;

function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<T>;
}

/** Path of whichever of `paths` the category itself declares, else the first. */
function blame(...paths: Path[]): Path {
  return paths.find((path) => path[0] === 'categories') ?? (paths[0] as Path);
}

class Planner {
  private readonly issues: Issue[] = [];
  private readonly here: Path;

  constructor(
    private readonly campaignId: string,
    private readonly campaign: CampaignRules,
    private readonly category: CategoryFile,
    index: number,
    /** Campaign-level keys that are invalid: checks that inherit them are skipped. */
    private readonly broken: ReadonlySet<InheritedKey>,
  ) {
    this.here = ['categories', index];
  }

  /** Whether the category's effective `key` is known (its own, or a valid campaign key). */
  private usable(key: InheritedKey): boolean {
    return key === 'schedule' ? !this.broken.has(key) : this.category[key] !== undefined || !this.broken.has(key);
  }

  /** The category's own value for `key`, else the campaign's. */
  private rule<K extends RuleKey>(key: K): Sourced<CampaignRules[K]> {
    const own = this.category[key];
    return own === undefined ? { value: this.campaign[key], path: [key] } : { value: own as CampaignRules[K], path: [...this.here, key] };
  }

  /**
   * Records an issue. When it points at a campaign-level key but the category's own keys
   * (`involved`) take part in it, the message names the category.
   */
  private report(path: Path, message: string, involved: readonly (keyof CategoryFile)[]): void {
    const scoped = path[0] !== 'categories' && involved.some((key) => this.category[key] !== undefined);
    this.issues.push({ path, message: scoped ? `in category \`${this.category.id}\`: ${message}` : message });
  }

  /** The category's own phase `key`, else the campaign's (only the campaign's with `inherited`). */
  private phase(key: keyof ScheduleFile, inherited = false): ChainStep | undefined {
    const own = inherited ? undefined : this.category.schedule?.[key];
    const value: { start?: string | undefined; duration?: string | undefined } | undefined = own ?? this.campaign.schedule[key];
    if (value === undefined) return undefined;
    const path = own === undefined ? ['schedule', key] : [...this.here, 'schedule', key];
    return { phase: key, start: value.start, duration: value.duration, path };
  }

  private schedulePath(key: keyof ScheduleFile): Path {
    return this.category.schedule === undefined ? ['schedule', key] : [...this.here, 'schedule', key];
  }

  /** The steps this category runs: a fixed-option category only votes. */
  private steps(fixed: boolean): ChainStep[] {
    const present = (step: ChainStep | undefined): step is ChainStep => step !== undefined;
    const vote = this.phase('vote');
    if (vote === undefined) {
      this.report(this.schedulePath('vote'), 'every category needs a `vote` phase, such as `vote: { duration: P2W }`', ['schedule']);
    }
    const tail = vote === undefined ? [] : [vote, this.phase('reveal')];
    if (fixed) {
      // Without a start of its own, the vote opens when the campaign's vote opens, after its propose and shortlist.
      const before = vote !== undefined && vote.start === undefined ? [this.phase('propose', true), this.phase('shortlist', true)] : [];
      return [...before, ...tail].filter(present);
    }
    const propose = this.phase('propose');
    if (propose === undefined) {
      this.report(
        this.schedulePath('propose'),
        'a category without `options` needs a `propose` phase, such as `propose: { start: 2026-03-02T09:00:00+01:00, duration: P3W }`',
        ['schedule'],
      );
    }
    return [propose, this.phase('shortlist'), ...tail].filter(present);
  }

  private timing(fixed: boolean): { phases: CategorySpec['phases']; revealAt?: number } {
    if (!this.usable('schedule')) return { phases: [] };
    const chain = chainPhases(this.steps(fixed));
    for (const issue of chain.issues) this.report(issue.path, issue.message, ['schedule']);
    const phases = fixed ? chain.windows.filter((w) => w.phase === 'vote') : chain.windows;
    return chain.revealAt === undefined ? { phases } : { phases, revealAt: chain.revealAt };
  }

  /** Keys a fixed-option category must not declare: it has no proposals and no shortlist. */
  private checkFixedKeys(): void {
    const refuse = (path: Path, what: string) =>
      this.issues.push({ path, message: `a category with \`options\` has no ${what}: remove this key (fans vote among the options)` });
    if (this.category.proposals !== undefined) refuse([...this.here, 'proposals'], 'proposals');
    if (this.category.shortlist !== undefined) refuse([...this.here, 'shortlist'], 'shortlist');
    if (this.category.schedule?.propose !== undefined) refuse([...this.here, 'schedule', 'propose'], 'propose phase');
    if (this.category.schedule?.shortlist !== undefined) refuse([...this.here, 'schedule', 'shortlist'], 'shortlist phase');
  }

  /** The shortlist rule of a category where fans propose, checked against its schedule. */
  private shortlist(hasShortlistPhase: boolean): ShortlistRule | undefined {
    if (!this.usable('shortlist')) return undefined;
    const { value, path } = this.rule('shortlist');
    if (value === undefined) {
      this.issues.push({
        path: this.here,
        message: `category \`${this.category.id}\` has no \`options\`, so fans propose: it needs a \`shortlist\` rule, such as \`shortlist: { by: curators, size: 5 }\`, in the campaign (for every category) or in the category`,
      });
      return undefined;
    }
    if (value.by === 'curators' && !hasShortlistPhase && this.usable('schedule')) {
      this.report(
        [...path, 'by'],
        '`by: curators` needs a `shortlist` phase in the schedule (the time curators have to pick), such as `shortlist: { duration: P1W }`; or let fans pick with `by: likes`',
        ['shortlist', 'schedule'],
      );
    }
    return compact(value);
  }

  /** Checks that the vote can produce `winners` among `candidates` and bounds the ballot. */
  private checkCandidates(candidates: Sourced<number>, what: string): void {
    const reveal = this.rule('reveal');
    const vote = this.rule('vote');
    const count = candidates.value;
    if (this.usable('reveal') && reveal.value.winners > count) {
      this.report(
        blame([...reveal.path, 'winners'], candidates.path),
        `\`reveal.winners\` is ${reveal.value.winners} but the vote has only ${count} candidates (${what}): there cannot be more winners than candidates`,
        ['reveal', 'shortlist', 'options'],
      );
    }
    const ballot = vote.value.method === 'approval' ? { key: 'maxChoices', n: vote.value.maxChoices } : vote.value.method === 'ranked' ? { key: 'maxRanks', n: vote.value.maxRanks } : undefined;
    if (this.usable('vote') && ballot?.n !== undefined && ballot.n > count) {
      this.report(
        blame([...vote.path, ballot.key], candidates.path),
        `\`vote.${ballot.key}\` is ${ballot.n} but the vote has only ${count} candidates (${what}): it must be between 1 and ${count}`,
        ['vote', 'shortlist', 'options'],
      );
    }
  }

  plan(): CategoryPlan {
    const { category, here } = this;
    const fixed = category.options !== undefined;
    if (fixed) this.checkFixedKeys();
    const { phases, revealAt } = this.timing(fixed);
    const shortlist = fixed ? undefined : this.shortlist(this.phase('shortlist') !== undefined);
    if (category.options !== undefined) {
      this.checkCandidates({ value: category.options.length, path: [...here, 'options'] }, `${category.options.length} options`);
    } else if (shortlist !== undefined && 'size' in shortlist) {
      this.checkCandidates({ value: shortlist.size, path: [...this.rule('shortlist').path, 'size'] }, `shortlist.size is ${shortlist.size}`);
    }
    if (this.issues.length > 0 || this.broken.size > 0 || revealAt === undefined) return { issues: this.issues };
    const chosen = category.options === undefined ? shortlist : { by: 'curators' as const, size: category.options.length };
    if (chosen === undefined) return { issues: this.issues };
    return { spec: this.spec(phases, revealAt, chosen), issues: this.issues };
  }

  private spec(phases: CategorySpec['phases'], revealAt: number, shortlist: ShortlistRule): CategorySpec {
    const { category } = this;
    const reveal: RevealRule = compact(this.rule('reveal').value);
    const seeded = reveal.tieBreak === 'seeded' && reveal.seed === undefined ? { ...reveal, seed: defaultSeed(this.campaignId, category.id) } : reveal;
    const proposals: ProposalRules = compact(this.rule('proposals').value);
    const vote: VoteRule = compact(this.rule('vote').value);
    return {
      ...compact({ prompt: category.prompt, options: category.options }),
      id: category.id,
      title: category.title,
      phases,
      revealAt,
      proposals,
      shortlist,
      vote,
      reveal: seeded,
    };
  }
}

/**
 * The effective rules and phase windows of the category at `index`, with every problem that
 * keeps it from running. `broken` names campaign-level keys that failed validation (their
 * value in `campaign` is a stand-in): checks that depend on them are skipped. The spec is
 * present exactly when there is no issue and nothing is broken.
 */
export function planCategory(
  campaignId: string,
  campaign: CampaignRules,
  category: CategoryFile,
  index: number,
  broken: ReadonlySet<InheritedKey> = new Set(),
): CategoryPlan {
  return new Planner(campaignId, campaign, category, index, broken).plan();
}
