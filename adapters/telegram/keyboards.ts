/**
 * Inline keyboards, as Telegram Bot API JSON: the ballot under a vote's announcement, the
 * category picker of an idea, a fan's edit and withdraw buttons, a curator's shortlist buttons.
 * Pure; every label is cleaned and bounded, every `callback_data` fits 64 bytes (callback.ts).
 */
import type { InlineKeyboardButton } from 'telegraf/types';
import type { CampaignEvent, ListedProposal } from '../../src/model/events';
import type { CampaignSpec, CategorySpec, Locale } from '../../src/model/campaign';
import type { Proposal } from '../../src/model/records';
import { cleanText } from '../../src/engine/text';
import { t } from '../../src/i18n/messages';
import { pressCasts } from '../../src/chat/ballot';
import { renderEvent, type RenderedMessage } from '../../src/render/message';
import { encodeCallback, type CallbackAction } from './callback';

export type Keyboard = InlineKeyboardButton[][];

const BUTTON_TEXT_MAX = 48;
/** Rows of one keyboard, at most (Telegram takes 100). */
export const KEYBOARD_MAX_ROWS = 90;

/** `text` cut to `max` characters (code points) with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A vote's announcement with its shortlist (the event carries it), the way to vote, and one button per option. */
export function ballotMessage(event: Extract<CampaignEvent, { kind: 'shortlist.published' }>, index: number, campaign: CampaignSpec, locale: Locale): { message: RenderedMessage; keyboard?: Keyboard } {
  const categoryIndex = campaign.categories.findIndex((c) => c.id === event.categoryId);
  const category = campaign.categories[categoryIndex];
  const base = renderEvent(event, campaign, locale);
  if (!category || event.items.length === 0) return { message: base };
  const rule = category.vote;
  const how = rule.method === 'single' ? t(locale, 'telegram.ballot.single')
    : rule.method === 'approval' ? t(locale, 'telegram.ballot.approval', { max: rule.maxChoices })
      : t(locale, 'telegram.ballot.ranked');
  const place = { campaign: index, category: categoryIndex };
  const keyboard: Keyboard = event.items.slice(0, KEYBOARD_MAX_ROWS).map((p: ListedProposal) => [{
    text: clip(`#${p.id} · ${cleanText(p.text)}`, BUTTON_TEXT_MAX),
    callback_data: encodeCallback({ kind: 'vote', ...place, proposalId: p.id }),
  }]);
  if (!pressCasts(rule)) {
    keyboard.push([
      { text: t(locale, 'telegram.button.vote.submit'), callback_data: encodeCallback({ kind: 'vote.submit', ...place }) },
      { text: t(locale, 'telegram.button.vote.reset'), callback_data: encodeCallback({ kind: 'vote.reset', ...place }) },
    ]);
  }
  return { message: { parts: [...base.parts, `\n\n${how}`] }, keyboard };
}

/** One button per category taking ideas, for an idea waiting for its category. */
export function categoryPicker(index: number, campaign: CampaignSpec, open: readonly CategorySpec[]): Keyboard {
  return open.map((category) => [{
    text: clip(category.title, BUTTON_TEXT_MAX),
    callback_data: encodeCallback({ kind: 'propose', campaign: index, category: campaign.categories.indexOf(category) }),
  }]);
}

/** Edit and withdraw buttons for a fan's own ideas. */
export function ownProposalKeyboard(index: number, proposals: readonly Proposal[], locale: Locale): Keyboard {
  return proposals.slice(0, KEYBOARD_MAX_ROWS).map((p) => [
    { text: t(locale, 'telegram.button.edit', { id: p.id }), callback_data: encodeCallback({ kind: 'edit', campaign: index, proposalId: p.id }) },
    { text: t(locale, 'telegram.button.withdraw', { id: p.id }), callback_data: encodeCallback({ kind: 'withdraw', campaign: index, proposalId: p.id }) },
  ]);
}

/** A ➕ (put on the shortlist) or ➖ (take off) button per candidate idea of a curator's panel. */
export function shortlistKeyboard(index: number, candidates: readonly Proposal[], listed: ReadonlySet<string>, locale: Locale): Keyboard {
  return candidates.slice(0, KEYBOARD_MAX_ROWS).map((p) => {
    const text = clip(cleanText(p.text), BUTTON_TEXT_MAX - 8);
    return [listed.has(p.id)
      ? { text: t(locale, 'telegram.button.shortlist.remove', { id: p.id, text }), callback_data: encodeCallback({ kind: 'shortlist.remove', campaign: index, proposalId: p.id }) }
      : { text: t(locale, 'telegram.button.shortlist.add', { id: p.id, text }), callback_data: encodeCallback({ kind: 'shortlist.add', campaign: index, proposalId: p.id }) }];
  });
}

/** The same keyboard with the pressed ➕ turned into a ➖ (or back). */
export function flippedShortlist(keyboard: readonly (readonly InlineKeyboardButton[])[], action: Extract<CallbackAction, { kind: 'shortlist.add' | 'shortlist.remove' }>): Keyboard {
  const pressed = encodeCallback(action);
  const other = encodeCallback({ ...action, kind: action.kind === 'shortlist.add' ? 'shortlist.remove' : 'shortlist.add' });
  return keyboard.map((row) => row.map((button) => (
    'callback_data' in button && button.callback_data === pressed
      ? { text: button.text.replace(/^[➕➖]/u, action.kind === 'shortlist.add' ? '➖' : '➕'), callback_data: other }
      : button
  )));
}
