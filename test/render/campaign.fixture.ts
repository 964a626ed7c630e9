/** A small campaign and records for rendering and local chat tests. */
import type { CampaignSpec, CategorySpec } from '../../src/model/campaign';
import type { Proposal } from '../../src/model/records';

export const T0 = Date.UTC(2013, 1, 18, 8, 0);
const DAY = 86_400_000;

function category(id: string, title: string, extra: Partial<CategorySpec> = {}): CategorySpec {
  return {
    id,
    title,
    phases: [
      { phase: 'propose', start: T0, end: T0 + 35 * DAY },
      { phase: 'shortlist', start: T0 + 35 * DAY, end: T0 + 42 * DAY },
      { phase: 'vote', start: T0 + 42 * DAY, end: T0 + 56 * DAY },
    ],
    revealAt: T0 + 56 * DAY,
    proposals: { minLength: 3, maxLength: 280, perFan: 3 },
    shortlist: { by: 'curators', size: 5 },
    vote: { method: 'single', allowChange: true },
    reveal: { winners: 1, tieBreak: 'earliest' },
    ...extra,
  };
}

export const campaign: CampaignSpec = {
  id: 'crunch-super-social-movie',
  title: 'Super Social Movie — Crunch & Norman',
  locale: 'fr',
  channels: { discord: [{ guild: '111', channel: '222' }], telegram: [{ chat: '-1001234' }] },
  roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: [] } },
  categories: [
    category('cult-line', 'La réplique culte', { prompt: 'Quelle réplique Norman doit-il prononcer ?' }),
    category('villain', 'Le super méchant', { vote: { method: 'ranked', allowChange: false }, shortlist: { by: 'likes', size: 3 } }),
    category('flavour', 'Le parfum', { options: ['Framboise-litchi', 'Caramel beurre salé'], vote: { method: 'approval', maxChoices: 2, allowChange: true } }),
  ],
};

export const otherCampaign: CampaignSpec = { ...campaign, id: 'quirky-auchan', title: 'Quirky × Auchan', locale: 'en' };

export function proposal(id: string, text: string, extra: Partial<Proposal> = {}): Proposal {
  return {
    id,
    categoryId: 'cult-line',
    text,
    normalized: text.toLowerCase(),
    authorKey: 'local:alice',
    authorName: 'alice',
    platform: 'local',
    createdAt: T0,
    seq: Number(id) || 1,
    status: 'active',
    likes: 0,
    ...extra,
  };
}

/** Hostile fan text: pings, masked link, HTML, bidi override, terminal escape. */
export const HOSTILE = [
  '@everyone <@&123> [click](https://evil.example)',
  '@here <@456> <@!789> <#1011> </ban:1>',
  '<b>x</b> & <script>alert("x")</script>',
  'abc\u202Eevil\u202C \u2066iso\u2069 \u200Bzero',
  '\u001b[31mred\u001b[0m\r\nline two',
  '**bold** __under__ ~~strike~~ ||spoiler|| `code` > quote # title - item \\',
];
