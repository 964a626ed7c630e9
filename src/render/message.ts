/**
 * Platform-neutral rendering: engine events and command results become a `RenderedMessage`,
 * a list of trusted text parts (from the catalog and the campaign file) and fan parts
 * (untrusted text and display names). Each platform then turns it into its own text with
 * `toPlainText`, `toTelegramHtml` or `toDiscordMarkdown`, which escape the fan parts so that
 * they can never ping or inject markup (DESIGN invariant 7).
 */
import { COUNTED_REFUSALS, type Refusal } from '../model/refusals';
import type { Command, CommandResult, PhaseChange, Success } from '../engine/commands';
import type { CampaignEvent, ListedProposal } from '../model/events';
import { categoryById, type CampaignSpec, type CategorySpec, type Locale, type Phase } from '../model/campaign';
import type { CategoryResults, Proposal, Winner } from '../model/records';
import type { DurabilityStatus } from '../model/durability';
import { cleanText } from '../engine/text';
import { formatCount, formatDate, formatScalar, messageTokens, nestQuotes, t, type CountNoun, type MessageKey, type ParamArgs } from '../i18n/messages';

/**
 * Trusted text, or `{ fan }`: untrusted fan text or display name, escaped by each platform.
 * `mention` (`platform:userId`, set only when a campaign opts in) lets that platform turn the
 * name into a real mention of that user; every other platform shows the escaped name.
 */
export type Part = string | FanPart;
export interface FanPart {
  readonly fan: string;
  readonly mention?: string;
}

/** A message before its platform escapes it; lines are separated by `'\n'` inside string parts. */
export interface RenderedMessage {
  readonly parts: readonly Part[];
  /**
   * Whether fan parts may form links (the campaign's `allowLinks`): then `http(s)://` URLs in
   * them stay links, shown without a preview. Absent or false: no fan part can form a link.
   */
  readonly allowLinks?: boolean;
}

/** What fills a placeholder: trusted text, a number (written in the locale), or parts. */
type Value = string | number | FanPart | readonly Part[];
type Line = readonly Part[];
type StatusResult = Extract<Success, { type: 'status' }>;

// ------------------------------------------------------------------------------ building

function fan(text: string): FanPart {
  return { fan: text };
}

function isParts(value: Value | undefined): value is readonly Part[] {
  return Array.isArray(value);
}

function valueParts(value: Value | undefined, locale: Locale): readonly Part[] {
  if (isParts(value)) return value;
  if (typeof value === 'object') return [value];
  return [formatScalar(value, locale)];
}

/**
 * The message `key` with its placeholders filled by (possibly untrusted) parts; a value that
 * sits in quotes has its own quotes one level down (`nestQuotes`).
 */
function fillLoose(locale: Locale, key: MessageKey, params: Readonly<Record<string, Value | undefined>>): Part[] {
  return messageTokens(locale, key).flatMap((token) => {
    if (typeof token === 'string') return [token];
    const parts = valueParts(params[token.placeholder], locale);
    const within = token.within;
    if (within === undefined) return parts;
    return parts.map((part) => (typeof part === 'string' ? nestQuotes(part, within) : { ...part, fan: nestQuotes(part.fan, within) }));
  });
}

function fill<K extends MessageKey>(locale: Locale, key: K, ...args: ParamArgs<K, Value>): Part[] {
  return fillLoose(locale, key, args[0] ?? {});
}

function joinParts(items: readonly Line[], separator: string): Part[] {
  return items.flatMap((item, i) => (i === 0 ? item : [separator, ...item]));
}

/** Lines joined by '\n', adjacent trusted strings merged and empty ones dropped. */
function message(lines: readonly Line[]): RenderedMessage {
  const parts: Part[] = [];
  for (const part of joinParts(lines, '\n')) {
    const last = parts[parts.length - 1];
    if (typeof part !== 'string') parts.push(part);
    else if (part === '') continue;
    else if (typeof last === 'string') parts[parts.length - 1] = last + part;
    else parts.push(part);
  }
  return { parts };
}

// ------------------------------------------------------------------------------ pieces

function categoryTitle(campaign: CampaignSpec, categoryId: string): Value {
  return findCategory(campaign, categoryId)?.title ?? fan(categoryId);
}

function findCategory(campaign: CampaignSpec, categoryId: string): CategorySpec | undefined {
  return categoryById(campaign, categoryId);
}

function phaseName(locale: Locale, phase: Phase): string {
  return t(locale, `name.phase.${phase}`);
}

function date(locale: Locale, epochMs: number): string {
  return formatDate(epochMs, locale);
}

function idRef(id: string): Part[] {
  return ['#', fan(id)];
}

/** `#id · text — author`, or `#id · text` for a fixed option (no author). */
function itemParts(
  locale: Locale,
  item: { readonly id: string; readonly text: string; readonly author?: string | undefined; readonly authorKey?: string | undefined },
): Part[] {
  if (item.author === undefined) return fill(locale, 'item.option', { id: fan(item.id), text: fan(item.text) });
  const author: FanPart = item.authorKey === undefined ? fan(item.author) : { fan: item.author, mention: item.authorKey };
  return fill(locale, 'item.idea', { id: fan(item.id), text: fan(item.text), author });
}

/** A proposal in a list: the item, its likes (ideas only) and its status when not active. */
function proposalLine(locale: Locale, p: Proposal): Part[] {
  let item = itemParts(locale, { id: p.id, text: p.text, author: p.authorName });
  if (p.authorName !== undefined) item = fill(locale, 'item.likes', { item, likes: p.likes });
  if (p.status === 'rejected' && p.rejectReason) return fill(locale, 'item.rejected', { item, reason: fan(p.rejectReason) });
  if (p.status === 'active') return item;
  return fill(locale, 'item.status', { item, status: t(locale, `name.status.${p.status}`) });
}

/** Proposals grouped by category, in the campaign's order (unknown categories last). */
function byCategory(campaign: CampaignSpec, proposals: readonly Proposal[]): [string, Proposal[]][] {
  const groups = new Map<string, Proposal[]>(campaign.categories.map((c) => [c.id, []]));
  for (const p of proposals) {
    const group = groups.get(p.categoryId);
    if (group) group.push(p);
    else groups.set(p.categoryId, [p]);
  }
  return [...groups].filter(([, list]) => list.length > 0);
}

function winnerLines(locale: Locale, winners: readonly Winner[]): Line[] {
  return winners.map((w) => fill(locale, 'results.winner', { item: itemParts(locale, w), votes: w.votes }));
}

function resultsBlock(locale: Locale, campaign: CampaignSpec, r: CategoryResults): Line[] {
  const lines: Line[] = [
    fill(locale, 'results.header', { category: categoryTitle(campaign, r.categoryId), ballots: r.ballots }),
    ...winnerLines(locale, r.winners),
  ];
  const tied = r.tiedPending ?? [];
  if (tied.length > 0) lines.push(fill(locale, 'results.tie-pending', { ids: joinParts(tied.map(idRef), ', ') }));
  else if (r.winners.length === 0) lines.push(fill(locale, 'results.no-winner'));
  return lines;
}

// ------------------------------------------------------------------------------ events

/** An announcement of the engine, in `locale`. Category titles come from `campaign`. */
export function renderEvent(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): RenderedMessage {
  return withLinks(message(eventLines(event, campaign, locale)), campaign);
}

/** The message with the campaign's link policy (inert unless the campaign allows links). */
function withLinks(msg: RenderedMessage, campaign: CampaignSpec): RenderedMessage {
  return campaign.allowLinks === true ? { ...msg, allowLinks: true } : msg;
}

function eventLines(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): Line[] {
  const spec = findCategory(campaign, event.categoryId);
  const category = categoryTitle(campaign, event.categoryId);
  switch (event.kind) {
    case 'phase.opened': {
      const auto = event.phase === 'shortlist' && spec !== undefined && spec.shortlist.by !== 'curators';
      const key = auto ? 'event.opened.shortlist.auto' : (`event.opened.${event.phase}` as const);
      const prompt = event.phase === 'propose' && spec?.prompt ? [[spec.prompt]] : [];
      return [fill(locale, key, { category, date: date(locale, event.endsAt) }), ...prompt];
    }
    case 'shortlist.published':
      return [
        fill(locale, 'event.shortlist', { category, date: date(locale, event.endsAt) }),
        ...event.items.map((item) => itemParts(locale, item)),
      ];
    case 'reminder':
      return [fill(locale, `event.reminder.${event.phase}`, { category, date: date(locale, event.endsAt) })];
    case 'phase.paused':
      return [fill(locale, 'event.paused', { category, phase: phaseName(locale, event.phase) })];
    case 'phase.resumed':
    case 'phase.extended': {
      const key = event.kind === 'phase.resumed' ? 'event.resumed' : 'event.extended';
      return [fill(locale, key, { category, phase: phaseName(locale, event.phase), date: date(locale, event.endsAt) })];
    }
    case 'proposal.review':
      return [fill(locale, 'event.review', { category, likes: event.likes, item: itemParts(locale, event.proposal) })];
    case 'reveal.tie':
      return [fill(locale, 'event.tie', { category }), ...event.tied.map((item: ListedProposal) => itemParts(locale, item))];
    case 'results':
      return event.winners.length === 0
        ? [fill(locale, 'event.results.none', { category })]
        : [
          fill(locale, 'event.results', { category, ballots: event.ballots }), ...winnerLines(locale, event.winners),
          ...(event.ballotsDigest ? [fill(locale, 'event.results.digest', { digest: fan(event.ballotsDigest) })] : []),
        ];
    case 'results.sealed':
      return [fill(locale, 'event.results.sealed', { category, ballots: event.ballots, digest: fan(event.ballotsDigest) })];
  }
}

// ------------------------------------------------------------------------------ command results

/**
 * The answer to `command`: its success in words, or its refusal's localized message (the
 * refusal's params, and the command's own category, campaign and duration, fill it in).
 */
export function renderResult(result: CommandResult, command: Command, campaign: CampaignSpec, locale: Locale): RenderedMessage {
  return result.ok ? withLinks(message(successLines(result, command, campaign, locale)), campaign) : renderRefusal(result, command, campaign, locale);
}

/** A refusal's message. Every string parameter is treated as fan text (it may echo input). */
export function renderRefusal(refusal: Refusal, command: Command, campaign: CampaignSpec, locale: Locale): RenderedMessage {
  const fromEngine: Record<string, Value> = {};
  for (const [name, value] of Object.entries(refusal.params ?? {})) fromEngine[name] = typeof value === 'number' ? value : fan(value);
  if (typeof refusal.params?.waitMs === 'number') fromEngine.wait = formatWait(refusal.params.waitMs, locale);
  for (const [name, noun] of Object.entries(COUNTED_PARAMS[refusal.code] ?? {})) {
    const n = refusal.params?.[name];
    if (typeof n === 'number') fromEngine[name] = formatCount(locale, noun, n);
  }
  return withLinks(message([fillLoose(locale, refusal.code, { ...refusalContext(command, campaign), ...fromEngine })]), campaign);
}

/** Refusal parameters that a message says with their noun ("3 ideas", "1 idée"). */
const COUNTED_PARAMS: Readonly<Partial<Record<Refusal['code'], Readonly<Record<string, CountNoun>>>>> = {
  'proposal.limit': { max: 'idea' },
  'shortlist.full': { max: 'idea' },
};

function refusalContext(command: Command, campaign: CampaignSpec): Record<string, Value> {
  const context: Record<string, Value> = { campaign: fan(command.campaignId) };
  if ('categoryId' in command && command.categoryId !== undefined) context.category = categoryTitle(campaign, command.categoryId);
  if (command.type === 'extend') context.duration = fan(command.by);
  return context;
}

function successLines(result: Success, command: Command, campaign: CampaignSpec, locale: Locale): Line[] {
  switch (result.type) {
    case 'propose':
      return [fill(locale, 'reply.propose', {
        author: fan(result.proposal.authorName ?? ''),
        id: fan(result.proposal.id),
        category: categoryTitle(campaign, result.proposal.categoryId),
        text: fan(result.proposal.text),
      })];
    case 'edit':
      return [fill(locale, 'reply.edit', { id: fan(result.proposal.id), text: fan(result.proposal.text) })];
    case 'withdraw':
    case 'shortlist.add':
    case 'shortlist.remove':
      return [fill(locale, `reply.${result.type}`, { id: fan(result.proposalId) })];
    case 'reject':
      return [fill(locale, 'reply.reject', { id: fan(result.proposalId), reason: fan(command.type === 'reject' ? command.reason : '') })];
    case 'like':
    case 'unlike':
      return [fill(locale, `reply.${result.type}`, { id: fan(result.proposalId), likes: result.likes })];
    case 'vote':
      return [fill(locale, result.changed ? 'reply.vote.changed' : 'reply.vote', {
        category: categoryTitle(campaign, result.categoryId),
        choice: choiceParts(locale, campaign, result),
      })];
    case 'advance':
      return [fill(locale, 'reply.advance'), ...result.changes.map((change) => changeLine(locale, campaign, change))];
    case 'pause':
    case 'resume':
      return [fill(locale, `reply.${result.type}`, { categories: titles(locale, campaign, result.categories) })];
    case 'extend':
      return [fill(locale, 'reply.extend', {
        duration: fan(command.type === 'extend' ? command.by : ''),
        categories: titles(locale, campaign, result.categories),
      })];
    case 'break-tie':
      return [
        fill(locale, 'reply.break-tie', { category: categoryTitle(campaign, result.results.categoryId) }),
        ...resultsBlock(locale, campaign, result.results),
      ];
    case 'status':
      return statusLines(result, locale);
    case 'proposals':
      return proposalsLines(locale, campaign, result.proposals, command.type === 'proposals' && command.mine === true);
    case 'shortlist.list':
      return shortlistLines(locale, campaign, result.proposals, command.type === 'shortlist.list' ? command.categoryId : undefined);
    case 'results':
      return result.results.length === 0
        ? [fill(locale, 'results.none')]
        : joinBlocks(result.results.map((r) => resultsBlock(locale, campaign, r)));
    case 'export':
      return [fill(locale, 'reply.export', {
        campaign: fan(campaign.title),
        entries: formatCount(locale, 'entry', result.export.categories.reduce((n, c) => n + c.entries.length, 0)),
      })];
    case 'ban':
      return [fill(locale, result.changed ? 'reply.ban' : 'reply.ban.already', { fan: fan(result.fan), title: campaign.title })];
    case 'unban':
      return [fill(locale, result.changed ? 'reply.unban' : 'reply.unban.not-banned', { fan: fan(result.fan) })];
    case 'bans':
      return [
        fill(locale, 'reply.bans', { count: result.bans.length }),
        ...result.bans.map((b) => fill(locale, 'reply.bans.line', { fan: fan(b.fanKey), reason: fan(b.reason || '—') })),
      ];
    case 'mydata':
    case 'fan.export': {
      const counts = {
        proposals: formatCount(locale, 'idea', result.data.proposals.length),
        likes: formatCount(locale, 'like', result.data.likes.length),
        ballots: formatCount(locale, 'ballot', result.data.ballots.length),
      };
      return result.type === 'mydata'
        ? [fill(locale, 'reply.mydata', { title: campaign.title, ...counts })]
        : [fill(locale, 'reply.fan.export', { fan: fan(result.fan), title: campaign.title, ...counts })];
    }
    case 'forgetme':
    case 'fan.erase': {
      const counts = { withdrawn: result.report.ballotsWithdrawn, anonymized: result.report.ballotsAnonymized, proposals: result.report.proposalsAnonymized.length };
      return result.type === 'forgetme'
        ? [fill(locale, 'reply.forgetme', { title: campaign.title, ...counts })]
        : [fill(locale, 'reply.fan.erase', { fan: fan(result.fan), title: campaign.title, ...counts })];
    }
    case 'receipt':
      return [fill(locale, 'reply.receipt.header'), ...result.receipts.flatMap((r) => {
        const category = categoryTitle(campaign, r.categoryId);
        const ranked = findCategory(campaign, r.categoryId)?.vote.method === 'ranked';
        const choice = joinParts(r.labels.map((label, i) => ranked
          ? fill(locale, 'choice.ranked', { rank: i + 1, label: fan(label) })
          : fill(locale, 'choice.label', { label: fan(label) })), ', ');
        return [
          fill(locale, 'reply.receipt.item', { category, choice, hash: fan(r.fanHash) }),
          r.ballotsDigest === undefined
            ? fill(locale, 'reply.receipt.pending')
            : fill(locale, 'reply.receipt.revealed', { category, digest: fan(r.ballotsDigest) }),
        ];
      })];
  }
}

/** A wait as the locale writes it: `45 s`, `2 min 30 s`, `1 h 5 min`, `3 days 2 h` (rounded up to the second). */
export function formatWait(ms: number, locale: Locale): string {
  const total = Math.max(1, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(days === 1 ? t(locale, 'wait.day') : t(locale, 'wait.days', { n: days }));
  if (hours > 0) parts.push(t(locale, 'wait.hours', { n: hours }));
  if (minutes > 0 && days === 0) parts.push(t(locale, 'wait.minutes', { n: minutes }));
  if (seconds > 0 && days === 0 && hours === 0) parts.push(t(locale, 'wait.seconds', { n: seconds }));
  return parts.join(' ');
}

/** Blocks separated by an empty line. */
function joinBlocks(blocks: readonly Line[][]): Line[] {
  return blocks.flatMap((block, i) => (i === 0 ? block : [[], ...block]));
}

function titles(locale: Locale, campaign: CampaignSpec, categoryIds: readonly string[]): Part[] {
  return joinParts(categoryIds.map((id) => valueParts(categoryTitle(campaign, id), locale)), ', ');
}

function changeLine(locale: Locale, campaign: CampaignSpec, change: PhaseChange): Part[] {
  return fill(locale, 'reply.advance.change', {
    category: categoryTitle(campaign, change.categoryId),
    from: phaseName(locale, change.from),
    to: phaseName(locale, change.to),
  });
}

/** The options voted for, by label: `“A”, “B”`, or `1. “A”, 2. “B”` for a ranked vote. */
function choiceParts(locale: Locale, campaign: CampaignSpec, vote: Extract<Success, { type: 'vote' }>): Part[] {
  const ranked = findCategory(campaign, vote.categoryId)?.vote.method === 'ranked';
  const items = vote.choice.map((id, i) => {
    const label = fan(vote.labels[i] ?? `#${id}`);
    return ranked ? fill(locale, 'choice.ranked', { rank: i + 1, label }) : fill(locale, 'choice.label', { label });
  });
  return joinParts(items, ', ');
}

function proposalsLines(locale: Locale, campaign: CampaignSpec, proposals: readonly Proposal[], mine: boolean): Line[] {
  if (proposals.length === 0) return [fill(locale, mine ? 'list.mine.empty' : 'list.empty')];
  return joinBlocks(byCategory(campaign, proposals).map(([categoryId, list]) => [
    fill(locale, mine ? 'list.mine' : 'list.ideas', { category: categoryTitle(campaign, categoryId) }),
    ...list.map((p) => proposalLine(locale, p)),
  ]));
}

function shortlistLines(locale: Locale, campaign: CampaignSpec, proposals: readonly Proposal[], categoryId: string | undefined): Line[] {
  const id = categoryId ?? proposals[0]?.categoryId ?? '';
  const items = proposals.map((p) => itemParts(locale, { id: p.id, text: p.text, author: p.authorName }));
  return [
    fill(locale, 'list.shortlist', { category: categoryTitle(campaign, id) }),
    ...(items.length > 0 ? items : [fill(locale, 'list.shortlist.empty')]),
  ];
}

// ------------------------------------------------------------------------------ status

/** The campaign's status for the asking actor: their roles, then one line per category. */
export function renderStatus(status: StatusResult, locale: Locale): RenderedMessage {
  return message(statusLines(status, locale));
}

function statusLines(status: StatusResult, locale: Locale): Line[] {
  const roles = status.roles.map((role) => t(locale, `name.role.${role}`)).join(', ');
  return [
    fill(locale, 'status.header', { title: status.title, roles }),
    ...status.categories.map((c) => (c.ballots === null
      ? fill(locale, 'status.line.hidden', { category: c.title, phase: phaseTiming(locale, c.phase, c.paused, c.endsAt), proposals: c.proposals })
      : fill(locale, 'status.line', {
        category: c.title,
        phase: phaseTiming(locale, c.phase, c.paused, c.endsAt),
        proposals: c.proposals,
        ballots: c.ballots,
      }))),
    ...(status.refusals ? [refusalsLine(locale, status.refusals)] : []),
    ...(status.durability ? [durabilityLine(locale, status.durability)] : []),
  ];
}

/** Managers' line on what an acknowledgement means, with the risk when acknowledged data can be lost. */
function durabilityLine(locale: Locale, durability: DurabilityStatus): Part[] {
  const ack = t(locale, `name.ack.${durability.ack}`);
  if (durability.risk === null) return fill(locale, 'status.durability', { ack });
  return fill(locale, 'status.durability.warning', { ack, risk: t(locale, `name.risk.${durability.risk}`) });
}

/** Managers' line of eligibility and anti-spam refusals, by kind. */
function refusalsLine(locale: Locale, refusals: Readonly<Record<string, number>>): Part[] {
  const counted = COUNTED_REFUSALS.filter((code) => (refusals[code] ?? 0) > 0);
  if (counted.length === 0) return fill(locale, 'status.refusals.none');
  const items = counted.map((code) => fill(locale, 'status.refusal', { name: messageTokens(locale, `name.refusal.${code}` as MessageKey).join(""), count: refusals[code] ?? 0 }));
  return fill(locale, 'status.refusals', { counts: joinParts(items, ' · ') });
}

function phaseTiming(locale: Locale, phase: Phase, paused: boolean, endsAt: number | null): Part[] {
  const name = phaseName(locale, phase);
  if (paused) return fill(locale, 'status.phase.paused', { phase: name });
  if (endsAt === null) return [name];
  if (phase === 'pending') return fill(locale, 'status.phase.opens', { date: date(locale, endsAt) });
  return fill(locale, 'status.phase.until', { phase: name, date: date(locale, endsAt) });
}

// ------------------------------------------------------------------------------ platforms

/**
 * Plain text for the local terminal. Fan parts are cleaned again (control characters, bidi
 * overrides, line breaks), so even text that skipped the engine cannot drive the terminal.
 */
export function toPlainText(msg: RenderedMessage): string {
  return msg.parts.map((part) => (typeof part === 'string' ? part : cleanText(part.fan))).join('');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ENTITIES[c] ?? c);
}

const ZWSP = '\u200b';

/** A zero-width space after every `@`: no mention (`@everyone`, `@user`, `<@id>`) can form. */
function breakMentions(text: string): string {
  return text.replaceAll('@', `@${ZWSP}`);
}

// A dot inside a word (`example.com`, `t.me`, `discord.gg`, `www.x`, also the ideographic and
// fullwidth dots some linkifiers take), and the `:` of `scheme://`: where a link would form.
const LINK_DOT = /(?<=[\p{L}\p{N}_-])[.\u3002\uff0e\uff61](?=[\p{L}\p{N}])/gu;
const SCHEME = /:(?=\/\/)/g;

/**
 * Fan text that no platform turns into a link: a zero-width space after each dot inside a
 * word and after the `:` of `scheme://`, so neither a bare URL (`https://…`, `www.…`,
 * `example.com`) nor Telegram's domains and `t.me/…` nor Discord's `discord.gg/…` is
 * recognised. The text reads the same.
 */
export function inertLinks(text: string): string {
  return text.replace(LINK_DOT, `$&${ZWSP}`).replace(SCHEME, `:${ZWSP}`);
}

// Where Telegram forms a bot command: a `/` that no word character, `/`, `<` or `>` precedes,
// followed by a letter, digit or `_` (its entity parser, `match_bot_commands` in tdlib).
const BOT_COMMAND = /(?<![\p{L}\p{N}\p{M}_/<>])\/(?=[A-Za-z0-9_])/gu;

/**
 * Fan text in which Telegram forms no bot command: a zero-width space after the `/` of each
 * `/word`. Telegram makes `/start` anywhere in a message a command that sends itself to the
 * chat when tapped, so an idea could otherwise make fans send commands. URLs keep their
 * slashes (each follows a word character or another `/`).
 */
export function inertCommands(text: string): string {
  return text.replace(BOT_COMMAND, `/${ZWSP}`);
}

// `http(s)://` then anything but spaces, angle brackets and quotes.
const LINK_URL = /\bhttps?:\/\/[^\s<>"]+/giu;

/**
 * Telegram HTML (`parse_mode: 'HTML'`). Every part is entity-escaped (a campaign title may hold
 * `&`); fan parts are also cleaned and their `@` broken so that they can never mention anyone,
 * their `/commands` made inert, and their links too unless the campaign allows links (the
 * adapter sends every message with link previews disabled).
 */
export function toTelegramHtml(msg: RenderedMessage): string {
  return msg.parts.map((part) => {
    if (typeof part === 'string') return escapeHtml(part);
    const clean = breakMentions(cleanText(part.fan));
    const id = mentionedId(part, 'telegram');
    // Inside the mention's own link no other link can form: the name is shown as written.
    if (id !== undefined) return `<a href="tg://user?id=${id}">${escapeHtml(clean)}</a>`;
    return escapeHtml(inertCommands(msg.allowLinks === true ? clean : inertLinks(clean)));
  }).join('');
}

/** The user id a fan part mentions on `platform` (digits only, as both platforms' ids are), if any. */
function mentionedId(part: FanPart, platform: 'discord' | 'telegram'): string | undefined {
  const prefix = `${platform}:`;
  if (part.mention === undefined || !part.mention.startsWith(prefix)) return undefined;
  const id = part.mention.slice(prefix.length);
  return /^[0-9]{1,20}$/.test(id) ? id : undefined;
}

/** The Discord users a message mentions (for `allowed_mentions.users`, which caps them at 100). */
export function discordMentions(msg: RenderedMessage): string[] {
  const ids = new Set<string>();
  for (const part of msg.parts) {
    if (typeof part === 'string') continue;
    const id = mentionedId(part, 'discord');
    if (id !== undefined) ids.add(id);
  }
  return [...ids].slice(0, 100);
}

/** The longest Discord message. */
export const DISCORD_MAX_LENGTH = 2000;

const DISCORD_SPECIAL = /[\\*_~`|>#\-[\]()<]/g;

function escapeDiscord(text: string): string {
  return inertLinks(breakMentions(text.replace(DISCORD_SPECIAL, '\\$&')));
}

/**
 * Fan text for Discord when the campaign allows links: each `http(s)://` URL kept whole inside
 * `<…>` (a link, with no embed), the text around it escaped as usual and inert.
 */
function escapeDiscordWithLinks(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(LINK_URL)) {
    out += escapeDiscord(text.slice(last, match.index));
    out += match[0].includes('@') ? escapeDiscord(match[0]) : `<${match[0]}>`;
    last = match.index + match[0].length;
  }
  return out + escapeDiscord(text.slice(last));
}

/**
 * Discord markdown, as one or more messages of at most 2000 characters each (split at line
 * breaks; a longer line is cut, each cut marked with `…`). Fan parts are cleaned, their
 * markdown (`\ * _ ~ \` | > # - [ ] ( )`, so masked links) and `<` escaped, their `@`
 * broken and their bare links made inert: they can neither format, link, nor ping, even
 * without `allowed_mentions`. A campaign that allows links keeps `http(s)://` URLs as links
 * without embeds (`<url>`).
 */
export function toDiscordMarkdown(msg: RenderedMessage): string[] {
  const text = msg.parts.map((part) => {
    if (typeof part === 'string') return part;
    const id = mentionedId(part, 'discord');
    if (id !== undefined) return `<@${id}>`;
    return msg.allowLinks === true ? escapeDiscordWithLinks(cleanText(part.fan)) : escapeDiscord(cleanText(part.fan));
  }).join('');
  return splitMessage(text, DISCORD_MAX_LENGTH, safeCut);
}

/** Lines packed greedily into chunks of at most `max` UTF-16 units; empty chunks dropped. */
/**
 * `text` as messages of at most `max` characters: whole lines joined while they fit, a longer
 * line cut (with an ellipsis) at the last position `cutAt` allows at or before a given end, so
 * that no cut breaks what a platform's escaping made.
 */
export function splitMessage(text: string, max: number, cutAt: (text: string, end: number) => number): string[] {
  const chunks: string[] = [];
  let current: string | null = null;
  for (const piece of text.split('\n').flatMap((line) => cutLine(line, max, cutAt))) {
    if (current !== null && current.length + 1 + piece.length <= max) {
      current += `\n${piece}`;
    } else {
      if (current !== null) chunks.push(current);
      current = piece;
    }
  }
  if (current !== null) chunks.push(current);
  return chunks.filter((chunk) => chunk.trim() !== '');
}

const ELLIPSIS = '…';

/** A line cut into pieces of at most `max`, each cut marked with an ellipsis. */
function cutLine(line: string, max: number, cutAt: (text: string, end: number) => number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const cut = cutAt(rest, max - ELLIPSIS.length);
    pieces.push(rest.slice(0, cut) + ELLIPSIS);
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

/**
 * The last cut position at or before `end` that splits no surrogate pair and nothing the
 * escaping made: neither a `\x` escape nor an `@` from its zero-width space.
 */
function safeCut(text: string, end: number): number {
  let cut = end;
  while (cut > 1 && (isHighSurrogate(text.charCodeAt(cut - 1)) || text[cut] === ZWSP || endsWithEscape(text, cut))) cut--;
  return cut;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Whether `text.slice(0, end)` ends with an escaping backslash (an odd run of them). */
function endsWithEscape(text: string, end: number): boolean {
  let run = 0;
  while (end - run - 1 >= 0 && text[end - run - 1] === '\\') run++;
  return run % 2 === 1;
}
