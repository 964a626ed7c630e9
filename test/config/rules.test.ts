import type { Problem } from '../../src/config/loader';
import { HEADER, problemsOf, SCHEDULE, VALID } from './helpers';

/** Line and column (1-based) where `needle` first appears, after `after` if given. */
function positionOf(text: string, needle: string, after = ''): { line: number; col: number } {
  const offset = text.indexOf(needle, after === '' ? 0 : text.indexOf(after) + after.length);
  if (offset < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

interface Case {
  readonly rule: string;
  readonly text: string;
  readonly path: string;
  /** The text the problem points at (its first occurrence, after `after`). */
  readonly at: string;
  readonly after?: string;
  readonly message: RegExp;
}

const category = (lines: string) => `${HEADER}${SCHEDULE}shortlist: { by: curators, size: 3 }\ncategories:\n  - id: one\n    title: One\n${lines}`;
const withSchedule = (schedule: string, rest = 'shortlist: { by: curators, size: 3 }\ncategories:\n  - id: one\n    title: One\n') => `${HEADER}schedule:\n${schedule}${rest}`;
const fixed = (lines: string, campaign = '') =>
  `${HEADER}${SCHEDULE}${campaign}categories:\n  - id: flavour\n    title: Flavour\n    options: [Rouge, Vert, Bleu]\n${lines}`;

const CASES: readonly Case[] = [
  {
    rule: 'refuses an unknown key and suggests the close one',
    text: `${VALID}votes: { method: single }\n`,
    path: 'votes',
    at: 'votes',
    message: /^unknown key `votes` \(did you mean `vote`\?\); expected one of: id, title, locale, .*categories$/,
  },
  {
    rule: 'refuses an unknown key inside a category',
    text: category('    prompts: "Why?"\n'),
    path: 'categories.0.prompts',
    at: 'prompts',
    message: /unknown key `prompts` \(did you mean `prompt`\?\); expected one of: id, title, prompt, options, proposals, shortlist, vote, reveal, schedule/,
  },
  {
    rule: 'refuses a key of another shortlist rule',
    text: VALID.replace('shortlist: { by: curators, size: 3 }', 'shortlist: { by: likes, size: 3, likes: 5 }'),
    path: 'shortlist.likes',
    at: 'likes: 5',
    message: /^unknown key `likes`; expected one of: by, size$/,
  },
  {
    rule: 'refuses an id with capitals or spaces',
    text: VALID.replace('id: demo', 'id: Demo Campaign'),
    path: 'id',
    at: 'Demo Campaign',
    message: /expected an id made of lowercase letters a-z, digits and hyphens, such as "cult-line"; found "Demo Campaign"/,
  },
  {
    rule: 'refuses an id longer than 64 characters',
    text: VALID.replace('id: one', `id: ${'a'.repeat(65)}`),
    path: 'categories.0.id',
    at: 'a'.repeat(65),
    message: /expected an id of at most 64 characters, found 65 characters/,
  },
  {
    rule: 'refuses a locale other than fr or en',
    text: VALID.replace('locale: en', 'locale: de'),
    path: 'locale',
    at: 'de',
    after: 'locale: ',
    message: /^expected one of fr, en, found "de"$/,
  },
  {
    rule: 'reports a missing key at the mapping that lacks it',
    text: VALID.replace('title: Demo\n', ''),
    path: 'title',
    at: 'id: demo',
    message: /^missing required key `title`: expected text$/,
  },
  {
    rule: 'names the choices of a missing key',
    text: VALID.replace('locale: en\n', ''),
    path: 'locale',
    at: 'id: demo',
    message: /^missing required key `locale`: expected one of fr, en$/,
  },
  {
    rule: 'refuses two categories with the same id',
    text: category('  - id: one\n    title: Again\n'),
    path: 'categories.1.id',
    at: 'one',
    after: 'title: One',
    message: /duplicate category id `one`: categories\.0 already uses it/,
  },
  {
    rule: 'refuses an instant without offset',
    text: VALID.replace('2026-03-02T09:00:00+01:00', '2026-03-02T09:00:00'),
    path: 'schedule.propose.start',
    at: '"2026-03-02T09:00:00"',
    message: /expected an ISO 8601 date and time with an offset.*found "2026-03-02T09:00:00", which has no offset/,
  },
  {
    rule: 'refuses a date that does not exist',
    text: VALID.replace('2026-03-02T09:00:00+01:00', '2026-02-30T09:00:00+01:00'),
    path: 'schedule.propose.start',
    at: '"2026-02-30',
    message: /expected a real date and time.*found "2026-02-30T09:00:00\+01:00"/,
  },
  {
    rule: 'refuses a duration in words',
    text: VALID.replace('duration: P1W', 'duration: 5 weeks'),
    path: 'schedule.propose.duration',
    at: '5 weeks',
    message: /expected an ISO 8601 duration, such as P5W.*; found "5 weeks"$/,
  },
  {
    rule: 'refuses a zero duration',
    text: VALID.replace('duration: P2D', 'duration: P0D'),
    path: 'schedule.shortlist.duration',
    at: 'P0D',
    message: /expected a duration longer than zero.*found "P0D"$/,
  },
  {
    rule: 'refuses a negative duration',
    text: VALID.replace('duration: P3D', 'duration: -P3D'),
    path: 'schedule.vote.duration',
    at: '-P3D',
    message: /expected a duration longer than zero.*found "-P3D", which is negative/,
  },
  {
    rule: 'needs a start on the first phase',
    text: VALID.replace('{ start: "2026-03-02T09:00:00+01:00", duration: P1W }', '{ duration: P1W }'),
    path: 'schedule.propose.start',
    at: '{ duration: P1W }',
    message: /^`propose` is the first phase of this schedule, so it needs a `start`/,
  },
  {
    rule: 'refuses a gap between two phases, naming both instants',
    text: VALID.replace('shortlist: { duration: P2D }', 'shortlist: { start: "2026-03-10T09:00:00+01:00", duration: P2D }'),
    path: 'schedule.shortlist.start',
    at: '"2026-03-10',
    message:
      /^`shortlist` starts at 2026-03-10T09:00:00\+01:00 but `propose` ends at 2026-03-09T09:00:00\+01:00 \(its start plus P1W\), a gap of 1 day; .*omit `start` or `duration`/,
  },
  {
    rule: 'refuses an overlap between two phases, naming both instants',
    text: VALID.replace('shortlist: { duration: P2D }', 'shortlist: { start: "2026-03-08T21:00:00+01:00", duration: P2D }'),
    path: 'schedule.shortlist.start',
    at: '"2026-03-08',
    message: /`shortlist` starts at 2026-03-08T21:00:00\+01:00 but `propose` ends at 2026-03-09T09:00:00\+01:00.*an overlap of 12 hours.*omit `start` or `duration`/,
  },
  {
    rule: 'refuses a next phase that starts before the previous one',
    text: VALID.replace('duration: P1W }', '}').replace('shortlist: { duration: P2D }', 'shortlist: { start: "2026-03-01T09:00:00+01:00", duration: P2D }'),
    path: 'schedule.shortlist.start',
    at: '"2026-03-01',
    message: /`shortlist` starts at 2026-03-01T09:00:00\+01:00, not after `propose` starts at 2026-03-02T09:00:00\+01:00/,
  },
  {
    rule: 'needs a duration when the next phase has no start',
    text: VALID.replace('shortlist: { duration: P2D }', 'shortlist: {}'),
    path: 'schedule.shortlist.duration',
    at: '{}',
    message: /^`shortlist` needs a `duration` such as P1W, or give `vote` a `start`$/,
  },
  {
    rule: 'needs a duration on the vote when the reveal has no start',
    text: VALID.replace('vote: { duration: P3D }', 'vote: {}'),
    path: 'schedule.vote.duration',
    at: '{}',
    message: /^`vote` needs a `duration` such as P2W$/,
  },
  {
    rule: 'needs a reveal start equal to the end of the vote',
    text: VALID.replace('  vote: { duration: P3D }\n', '  vote: { duration: P3D }\n  reveal: { start: "2026-03-14T10:00:00+01:00" }\n'),
    path: 'schedule.reveal.start',
    at: '"2026-03-14T10',
    message: /^`reveal` starts at 2026-03-14T10:00:00\+01:00 but `vote` ends at 2026-03-14T09:00:00\+01:00 \(its start plus P3D\), a gap of 1 hour/,
  },
  {
    rule: 'needs a vote phase in every category',
    text: VALID.replace('  vote: { duration: P3D }\n', ''),
    path: 'schedule.vote',
    at: 'propose:',
    message: /^every category needs a `vote` phase/,
  },
  {
    rule: 'needs a propose phase in a category without options',
    text: withSchedule('  shortlist: { start: "2026-03-02T09:00:00+01:00", duration: P2D }\n  vote: { duration: P3D }\n'),
    path: 'schedule.propose',
    at: 'shortlist:',
    message: /^a category without `options` needs a `propose` phase/,
  },
  {
    rule: 'needs a shortlist phase when curators pick',
    text: VALID.replace('  shortlist: { duration: P2D }\n', ''),
    path: 'shortlist.by',
    at: 'curators',
    message: /^`by: curators` needs a `shortlist` phase in the schedule/,
  },
  {
    rule: 'needs a shortlist rule in a category where fans propose',
    text: VALID.replace('shortlist: { by: curators, size: 3 }\n', ''),
    path: 'categories.0',
    at: 'id: one',
    message: /^category `one` has no `options`, so fans propose: it needs a `shortlist` rule/,
  },
  {
    rule: 'refuses a propose phase in a category with options',
    text: fixed('    schedule:\n      propose: { duration: P1D }\n'),
    path: 'categories.0.schedule.propose',
    at: '{ duration: P1D }',
    message: /^a category with `options` has no propose phase: remove this key/,
  },
  {
    rule: 'refuses a shortlist phase in a category with options',
    text: fixed('    schedule:\n      shortlist: { duration: P1D }\n'),
    path: 'categories.0.schedule.shortlist',
    at: '{ duration: P1D }',
    message: /^a category with `options` has no shortlist phase/,
  },
  {
    rule: 'refuses proposal rules in a category with options',
    text: fixed('    proposals: { perFan: 1 }\n'),
    path: 'categories.0.proposals',
    at: '{ perFan: 1 }',
    message: /^a category with `options` has no proposals/,
  },
  {
    rule: 'refuses a shortlist rule in a category with options',
    text: fixed('    shortlist: { by: likes, size: 2 }\n'),
    path: 'categories.0.shortlist',
    at: '{ by: likes',
    message: /^a category with `options` has no shortlist/,
  },
  {
    rule: 'needs at least two options',
    text: fixed('').replace('[Rouge, Vert, Bleu]', '[Rouge]'),
    path: 'categories.0.options',
    at: '[Rouge]',
    message: /^expected at least 2 entries, found 1$/,
  },
  {
    rule: 'refuses two options that differ only by case or punctuation',
    text: fixed('').replace('[Rouge, Vert, Bleu]', '[Rouge, Vert, "rouge !"]'),
    path: 'categories.0.options.2',
    at: '"rouge !"',
    message: /^the same option as entry 0 \("Rouge"\); options must differ$/,
  },
  {
    rule: 'refuses more winners than options',
    text: fixed('', 'reveal: { winners: 4 }\n'),
    path: 'categories.0.options',
    at: '[Rouge',
    message: /^`reveal.winners` is 4 but the vote has only 3 candidates \(3 options\)/,
  },
  {
    rule: 'refuses more winners than shortlisted proposals',
    text: `${VALID}reveal: { winners: 4 }\n`,
    path: 'reveal.winners',
    at: '4',
    after: 'reveal:',
    message: /^`reveal.winners` is 4 but the vote has only 3 candidates \(shortlist.size is 3\): there cannot be more winners than candidates$/,
  },
  {
    rule: 'refuses an approval vote with more choices than candidates',
    text: `${VALID}vote: { method: approval, maxChoices: 4 }\n`,
    path: 'vote.maxChoices',
    at: '4',
    after: 'maxChoices: ',
    message: /^`vote.maxChoices` is 4 but the vote has only 3 candidates \(shortlist.size is 3\): it must be between 1 and 3$/,
  },
  {
    rule: 'refuses an approval vote with no choice',
    text: `${VALID}vote: { method: approval, maxChoices: 0 }\n`,
    path: 'vote.maxChoices',
    at: '0',
    after: 'maxChoices: ',
    message: /^expected a whole number of at least 1, found the number 0$/,
  },
  {
    rule: 'refuses a ranked vote with more ranks than options',
    text: fixed('    vote: { method: ranked, maxRanks: 5 }\n'),
    path: 'categories.0.vote.maxRanks',
    at: '5',
    after: 'maxRanks: ',
    message: /^`vote.maxRanks` is 5 but the vote has only 3 candidates \(3 options\)/,
  },
  {
    rule: 'needs maxChoices on an approval vote',
    text: `${VALID}vote: { method: approval }\n`,
    path: 'vote.maxChoices',
    at: '{ method: approval }',
    message: /^missing required key `maxChoices`: expected a whole number$/,
  },
  {
    rule: 'refuses an unknown vote method',
    text: `${VALID}vote: { method: condorcet }\n`,
    path: 'vote.method',
    at: 'condorcet',
    message: /^expected one of single, approval, ranked, found "condorcet"$/,
  },
  {
    rule: 'refuses a minLength above maxLength',
    text: `${VALID}proposals: { minLength: 50, maxLength: 20 }\n`,
    path: 'proposals.minLength',
    at: '50',
    message: /^minLength is 50 but maxLength is 20/,
  },
  {
    rule: 'refuses a maxLength above 1000',
    text: `${VALID}proposals: { maxLength: 2000 }\n`,
    path: 'proposals.maxLength',
    at: '2000',
    message: /^expected a whole number of at most 1000, found the number 2000$/,
  },
  {
    rule: 'refuses zero proposals per fan',
    text: `${VALID}proposals: { perFan: 0 }\n`,
    path: 'proposals.perFan',
    at: '0 }',
    message: /^expected a whole number of at least 1, found the number 0$/,
  },
  {
    rule: 'refuses a like threshold of zero',
    text: VALID.replace('shortlist: { by: curators, size: 3 }', 'shortlist: { by: threshold, likes: 0 }'),
    path: 'shortlist.likes',
    at: '0 }',
    message: /^expected a whole number of at least 1, found the number 0$/,
  },
  {
    rule: 'refuses an unknown shortlist rule',
    text: VALID.replace('by: curators', 'by: popular'),
    path: 'shortlist.by',
    at: 'popular',
    message: /^expected one of curators, likes, threshold, found "popular"$/,
  },
  {
    rule: 'refuses a seed without seeded tie-break',
    text: `${VALID}reveal: { seed: "abc" }\n`,
    path: 'reveal.seed',
    at: '"abc"',
    message: /^a seed is used only with `tieBreak: seeded`, but tieBreak is earliest/,
  },
  {
    rule: 'asks to quote a platform id written as a number',
    text: `${VALID}channels:\n  discord: [{ guild: 111, channel: "222" }]\n`,
    path: 'channels.discord.0.guild',
    at: '111',
    message: /^expected text, found the number 111 \(write it in quotes: "111"\)$/,
  },
  {
    rule: 'refuses a placeholder left as a Discord id',
    text: `${VALID}roles:\n  curators: { discord: ["<role id>"] }\n`,
    path: 'roles.curators.discord.0',
    at: '"<role id>"',
    message: /^expected a Discord id \(digits only, in quotes\).*found "<role id>"$/,
  },
  {
    rule: 'names the category when its own schedule clashes with the campaign schedule',
    text: withSchedule(
      '  propose: { start: "2026-03-02T09:00:00+01:00", duration: P1W }\n  shortlist: { duration: P2D }\n  vote: { start: "2026-03-11T09:00:00+01:00", duration: P3D }\n',
      'shortlist: { by: curators, size: 3 }\ncategories:\n  - id: late\n    title: Late\n    schedule:\n      propose: { start: "2026-03-05T09:00:00+01:00", duration: P1W }\n',
    ),
    path: 'schedule.vote.start',
    at: '"2026-03-11',
    message: /^in category `late`: `vote` starts at 2026-03-11T09:00:00\+01:00 but `shortlist` ends at 2026-03-14T09:00:00\+01:00/,
  },
  {
    rule: 'blames the category that raises the winners above the shortlist size',
    text: category('    reveal: { winners: 5 }\n'),
    path: 'categories.0.reveal.winners',
    at: '5',
    after: 'winners: ',
    message: /^`reveal.winners` is 5 but the vote has only 3 candidates/,
  },
  {
    rule: 'refuses a file that is a list',
    text: '- id: demo\n- title: Demo\n',
    path: '',
    at: '- id',
    message: /^expected a campaign: a mapping of keys to values \(id, title, locale, categories…\), found a list$/,
  },
  {
    rule: 'refuses an empty file',
    text: '',
    path: '',
    at: '',
    message: /^the file is empty/,
  },
  {
    rule: 'refuses a campaign without categories',
    text: VALID.replace(/categories:[\s\S]*$/, 'categories: []\n'),
    path: 'categories',
    at: '[]',
    message: /^expected at least 1 entry, found 0$/,
  },
];

describe('campaign file rules', () => {
  it.each(CASES)('$rule', ({ text, path, at, after, message }) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    const [problem] = problems as [Problem];
    expect(problem).toMatchObject({ file: 'campaign.yaml', path, ...positionOf(text, at, after) });
    expect(problem.message).toMatch(message);
  });
});
