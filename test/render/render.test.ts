import { REFUSAL_CODES, refuse } from '../../src/model/refusals';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { CampaignEvent } from '../../src/model/events';
import type { Locale } from '../../src/model/campaign';
import type { CategoryResults } from '../../src/model/records';
import { renderEvent, renderResult, renderStatus, toPlainText, type RenderedMessage } from '../../src/render/message';
import { T0, campaign, proposal } from './campaign.fixture';

const END = Date.UTC(2013, 2, 25, 9, 0);
const base = { id: 'e1', campaignId: campaign.id, categoryId: 'cult-line', at: T0 };
const plain = (msg: RenderedMessage): string => toPlainText(msg);
const event = (e: CampaignEvent, locale: Locale = 'en'): string => plain(renderEvent(e, campaign, locale));
const cmd = { campaignId: campaign.id };
const reply = (result: CommandResult, command: Command, locale: Locale = 'en'): string =>
  plain(renderResult(result, command, campaign, locale));

const results: CategoryResults = {
  categoryId: 'cult-line', ballots: 42, tally: { '3': 30, '5': 12 }, tieBreak: 'earliest', revealedAt: END,
  winners: [{ id: '3', text: 'Je suis ton père', author: 'alice', votes: 30 }],
};

const EVENTS: CampaignEvent[] = [
  { ...base, kind: 'phase.opened', phase: 'propose', endsAt: END },
  { ...base, kind: 'phase.opened', phase: 'shortlist', endsAt: END },
  { ...base, kind: 'phase.opened', phase: 'vote', endsAt: END },
  { ...base, kind: 'shortlist.published', endsAt: END, items: [{ id: '3', text: 'Je suis ton père', author: 'alice' }, { id: '5', text: 'Hasta la vista' }] },
  { ...base, kind: 'reminder', phase: 'propose', endsAt: END },
  { ...base, kind: 'reminder', phase: 'shortlist', endsAt: END },
  { ...base, kind: 'reminder', phase: 'vote', endsAt: END },
  { ...base, kind: 'phase.paused', phase: 'vote' },
  { ...base, kind: 'phase.resumed', phase: 'vote', endsAt: END },
  { ...base, kind: 'phase.extended', phase: 'propose', endsAt: END },
  { ...base, kind: 'proposal.review', proposal: { id: '9', text: 'Un pingouin', author: 'bob' }, likes: 100 },
  { ...base, kind: 'reveal.tie', tied: [{ id: '3', text: 'A', author: 'alice' }, { id: '4', text: 'B', author: 'bob' }] },
  { ...base, kind: 'results', winners: results.winners, ballots: 42 },
  { ...base, kind: 'results', winners: [], ballots: 0 },
];

describe('renderEvent', () => {
  it.each(['en', 'fr'] as const)('renders every event kind in %s, with no placeholder left', (locale) => {
    for (const e of EVENTS) {
      const text = event(e, locale);
      expect(text).not.toMatch(/[{}]|…/);
      expect(text).toContain(locale === 'en' ? '“La réplique culte”' : '« La réplique culte »');
    }
  });

  it('announces an opened phase with its end date in UTC, and the category prompt', () => {
    expect(event(EVENTS[0]!)).toBe(
      'Ideas wanted for “La réplique culte”! Propose yours until March 25, 2013 at 09:00 AM UTC.\nQuelle réplique Norman doit-il prononcer ?',
    );
    expect(event(EVENTS[0]!, 'fr')).toMatch(/^Place aux idées pour « La réplique culte » ! Proposez les vôtres jusqu’au 25 mars 2013 à 09:00 UTC\./);
  });

  it('says the curators choose the shortlist only when they do', () => {
    expect(event(EVENTS[1]!)).toMatch(/curators are choosing/);
    expect(event({ ...EVENTS[1]!, categoryId: 'villain' } as CampaignEvent)).toBe(
      'Proposals for “Le super méchant” are closed. The shortlist will be out on March 25, 2013 at 09:00 AM UTC.',
    );
  });

  it('lists the shortlist with ids, texts and credited authors', () => {
    expect(event(EVENTS[3]!).split('\n')).toEqual([
      'The shortlist for “La réplique culte” is out! Vote until March 25, 2013 at 09:00 AM UTC:',
      '#3 · Je suis ton père — alice',
      '#5 · Hasta la vista',
    ]);
  });

  it('reveals winners with their votes and authors, or says nobody voted', () => {
    expect(event(EVENTS[12]!, 'fr').split('\n')).toEqual([
      'Les résultats de « La réplique culte » sont tombés ! Bulletins : 42',
      '🏆 #3 · Je suis ton père — alice — voix : 30',
    ]);
    expect(event(EVENTS[13]!)).toBe('The vote for “La réplique culte” is closed: nobody voted, so there is no winner.');
  });

  it('names the phase when pausing, and the new end when extending', () => {
    expect(event(EVENTS[7]!)).toBe('“La réplique culte” is paused during its vote phase. Stay tuned!');
    expect(event(EVENTS[9]!)).toBe('More time! The proposals phase of “La réplique culte” now ends on March 25, 2013 at 09:00 AM UTC.');
  });

  it('keeps fan text and names as fan parts', () => {
    const msg = renderEvent(EVENTS[10]!, campaign, 'en');
    expect(msg.parts).toContainEqual({ fan: 'Un pingouin' });
    expect(msg.parts).toContainEqual({ fan: 'bob' });
    expect(msg.parts.filter((p) => typeof p === 'string').join('')).not.toContain('pingouin');
  });
});

describe('renderResult: successes', () => {
  const p7 = proposal('7', 'Je suis Norman');

  it('confirms a proposal with its id, category and text, thanking its author', () => {
    expect(reply({ ok: true, type: 'propose', proposal: p7 }, { ...cmd, type: 'propose', categoryId: 'cult-line', text: 'Je suis Norman' }))
      .toBe('Thanks alice! Your idea #7 is recorded in “La réplique culte”: Je suis Norman');
    expect(reply({ ok: true, type: 'edit', proposal: p7 }, { ...cmd, type: 'edit', proposalId: '7', text: 'x' }, 'fr'))
      .toBe('Ton idée #7 est modifiée : Je suis Norman');
  });

  it('confirms withdraw, reject, like, unlike and shortlist changes', () => {
    expect(reply({ ok: true, type: 'withdraw', proposalId: '7' }, { ...cmd, type: 'withdraw', proposalId: '7' })).toBe('Your idea #7 is withdrawn.');
    expect(reply({ ok: true, type: 'reject', proposalId: '7' }, { ...cmd, type: 'reject', proposalId: '7', reason: 'hors sujet' }))
      .toBe('Idea #7 is rejected: hors sujet');
    expect(reply({ ok: true, type: 'like', proposalId: '7', likes: 3 }, { ...cmd, type: 'like', proposalId: '7' })).toBe('You like idea #7. Likes: 3.');
    expect(reply({ ok: true, type: 'unlike', proposalId: '7', likes: 2 }, { ...cmd, type: 'unlike', proposalId: '7' }, 'fr'))
      .toBe('Tu n’aimes plus l’idée #7. J’aime : 2.');
    expect(reply({ ok: true, type: 'shortlist.add', proposalId: '7' }, { ...cmd, type: 'shortlist.add', proposalId: '7' }))
      .toBe('Idea #7 is now on the shortlist.');
    expect(reply({ ok: true, type: 'shortlist.remove', proposalId: '7' }, { ...cmd, type: 'shortlist.remove', proposalId: '7' }))
      .toBe('Idea #7 is no longer on the shortlist.');
  });

  it('confirms a vote with the option labels, ranked ones in order', () => {
    const single: CommandResult = { ok: true, type: 'vote', categoryId: 'cult-line', choice: ['3'], changed: false, labels: ['Je suis ton père'] };
    expect(reply(single, { ...cmd, type: 'vote', categoryId: 'cult-line', choice: ['3'] }))
      .toBe('Your vote in “La réplique culte” is counted: “Je suis ton père”. Thank you!');
    const ranked: CommandResult = { ok: true, type: 'vote', categoryId: 'villain', choice: ['4', '2'], changed: true, labels: ['Pingouin', 'Canard'] };
    expect(reply(ranked, { ...cmd, type: 'vote', categoryId: 'villain', choice: ['4', '2'] }, 'fr'))
      .toBe('Ton vote dans « Le super méchant » est modifié : 1. « Pingouin », 2. « Canard ».');
  });

  it('reports phase changes, pauses, resumptions and extensions by category title', () => {
    expect(reply({ ok: true, type: 'advance', changes: [{ categoryId: 'cult-line', from: 'propose', to: 'shortlist' }] }, { ...cmd, type: 'advance' }))
      .toBe('Moved on:\n“La réplique culte”: proposals → shortlist');
    expect(reply({ ok: true, type: 'pause', categories: ['cult-line', 'villain'] }, { ...cmd, type: 'pause' }))
      .toBe('Paused: La réplique culte, Le super méchant.');
    expect(reply({ ok: true, type: 'resume', categories: ['villain'] }, { ...cmd, type: 'resume', categoryId: 'villain' }, 'fr'))
      .toBe('Reprise : Le super méchant.');
    expect(reply({ ok: true, type: 'extend', categories: ['cult-line'] }, { ...cmd, type: 'extend', categoryId: 'cult-line', by: 'PT2H' }))
      .toBe('Extended by PT2H: La réplique culte.');
  });

  it('reports a broken tie with the results', () => {
    expect(reply({ ok: true, type: 'break-tie', results }, { ...cmd, type: 'break-tie', categoryId: 'cult-line', proposalId: '3' }).split('\n')).toEqual([
      'Tie broken in “La réplique culte”.',
      'Results for “La réplique culte” — ballots: 42',
      '🏆 #3 · Je suis ton père — alice — votes: 30',
    ]);
  });

  it('lists proposals grouped by category, with likes and status', () => {
    const list = [
      proposal('7', 'Je suis Norman', { likes: 4 }),
      proposal('8', 'Un pingouin', { categoryId: 'villain', status: 'review' }),
      proposal('9', 'Hors sujet', { status: 'rejected', rejectReason: 'spam' }),
    ];
    expect(reply({ ok: true, type: 'proposals', proposals: list }, { ...cmd, type: 'proposals' }).split('\n')).toEqual([
      'Ideas in “La réplique culte”:',
      '#7 · Je suis Norman — alice · ♥ 4',
      '#9 · Hors sujet — alice · ♥ 0 · rejected: spam',
      '',
      'Ideas in “Le super méchant”:',
      '#8 · Un pingouin — alice · ♥ 0 · in review',
    ]);
    expect(reply({ ok: true, type: 'proposals', proposals: [] }, { ...cmd, type: 'proposals', mine: true }))
      .toBe('You have no ideas here yet. Propose one with /propose!');
  });

  it('shows a shortlist, or says it is empty', () => {
    const command: Command = { ...cmd, type: 'shortlist.list', categoryId: 'cult-line' };
    expect(reply({ ok: true, type: 'shortlist.list', proposals: [proposal('7', 'Je suis Norman')] }, command))
      .toBe('Shortlist of “La réplique culte”:\n#7 · Je suis Norman — alice');
    expect(reply({ ok: true, type: 'shortlist.list', proposals: [] }, command, 'fr'))
      .toBe('La présélection de « La réplique culte » :\nLa présélection est vide pour l’instant.');
  });

  it('shows results, a pending tie, or that there are none yet', () => {
    const tied: CategoryResults = { ...results, categoryId: 'villain', winners: [], tiedPending: ['4', '2'] };
    expect(reply({ ok: true, type: 'results', results: [results, tied] }, { ...cmd, type: 'results' }).split('\n')).toEqual([
      'Results for “La réplique culte” — ballots: 42',
      '🏆 #3 · Je suis ton père — alice — votes: 30',
      '',
      'Results for “Le super méchant” — ballots: 42',
      'Tie between #4, #2: the curators will decide.',
    ]);
    expect(reply({ ok: true, type: 'results', results: [] }, { ...cmd, type: 'results' })).toBe('No results yet: the vote is not over.');
  });
});

describe('renderStatus', () => {
  it('shows the actor’s roles and each category’s phase and deadline', () => {
    const status = {
      ok: true as const, type: 'status' as const, title: campaign.title, roles: ['fan', 'curator'] as const,
      categories: [
        { id: 'cult-line', title: 'La réplique culte', phase: 'propose' as const, paused: false, endsAt: END, proposals: 12, ballots: 0 },
        { id: 'villain', title: 'Le super méchant', phase: 'vote' as const, paused: true, endsAt: null, proposals: 3, ballots: 1500 },
        { id: 'flavour', title: 'Le parfum', phase: 'pending' as const, paused: false, endsAt: END, proposals: 0, ballots: 0 },
      ],
    };
    expect(toPlainText(renderStatus(status, 'en')).split('\n')).toEqual([
      'Super Social Movie — Crunch & Norman',
      'You are: fan, curator.',
      '• “La réplique culte”: proposals until March 25, 2013 at 09:00 AM UTC · ideas: 12 · ballots: 0',
      '• “Le super méchant”: vote (paused) · ideas: 3 · ballots: 1,500',
      '• “Le parfum”: opens on March 25, 2013 at 09:00 AM UTC · ideas: 0 · ballots: 0',
    ]);
    expect(reply(status, { ...cmd, type: 'status' }, 'fr')).toMatch(/Tu es : fan, curateur\./);
  });
});

describe('renderResult: refusals', () => {
  const propose: Command = { ...cmd, type: 'propose', categoryId: 'cult-line', text: 'x' };

  it.each(['en', 'fr'] as const)('renders every refusal code in %s', (locale) => {
    for (const code of REFUSAL_CODES) {
      const text = reply(refuse(code, { max: 3, min: 1 }), { ...cmd, type: 'extend', categoryId: 'cult-line', by: 'P1D' }, locale);
      expect(text).not.toMatch(/[{}]/);
      expect(text.length).toBeGreaterThan(10);
    }
  });

  it('fills limits from the refusal’s params', () => {
    expect(reply(refuse('proposal.too-long', { min: 3, max: 280 }), propose)).toBe('Your idea is too long: 280 characters at most.');
    expect(reply(refuse('proposal.limit', { max: 3 }), propose, 'fr')).toMatch(/limite de 3 idées/);
  });

  it('names the unknown category, campaign or duration from the command, as fan text', () => {
    const msg = renderResult(refuse('category.unknown'), { ...cmd, type: 'propose', categoryId: '@everyone', text: 'x' }, campaign, 'en');
    expect(msg.parts).toContainEqual({ fan: '@everyone' });
    expect(toPlainText(msg)).toBe('There is no category “@everyone” in this campaign. Type /status to see the categories.');
    expect(reply(refuse('campaign.unknown'), { campaignId: 'nope', type: 'status' })).toMatch(/no campaign “nope”/);
    expect(reply(refuse('duration.invalid'), { ...cmd, type: 'extend', by: 'P2X' })).toMatch(/^“P2X” is not a valid duration/);
  });

  it('treats the refusal’s string params as fan text', () => {
    const msg = renderResult(refuse('duration.invalid', { duration: '<b>x</b>' }), { ...cmd, type: 'extend', by: '<b>x</b>' }, campaign, 'en');
    expect(msg.parts).toContainEqual({ fan: '<b>x</b>' });
  });

  it('shows a marker, not a crash, when a param is missing', () => {
    expect(reply(refuse('vote.too-many'), { ...cmd, type: 'vote', categoryId: 'cult-line', choice: ['1', '2'] }))
      .toBe('Too many choices: … at most in this category.');
  });
});
