/**
 * Message components (ballots, list buttons) and modals, as Discord API JSON. Pure: no
 * client, no I/O, so that the unit tests check every Discord limit here (5 buttons per row,
 * 5 rows, 25 select options, 80/100-character labels, 100-character custom ids).
 */
import {
  ButtonStyle, ComponentType, TextInputStyle,
  type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIComponentInMessageActionRow,
  type APIModalInteractionResponseCallbackData, type APISelectMenuOption, type APIStringSelectComponent,
} from 'discord.js';
import type { ListedProposal } from '../../src/model/events';
import type { CategorySpec, Locale, VoteRule } from '../../src/model/campaign';
import { cleanText } from '../../src/engine/text';
import { t } from '../../src/i18n/messages';
import { choicesAllowed, pressCasts } from '../../src/chat/ballot';
import { encodeCustomId, MODAL_FIELDS } from './ids';

export const LIMITS = {
  rows: 5, buttonsPerRow: 5, selectOptions: 25, buttonLabel: 80, optionLabel: 100, placeholder: 150,
  modalTitle: 45, labelText: 45, labelDescription: 100, textInput: 4000,
} as const;

export type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/**
 * Text cut to `max` UTF-16 units (the strictest way to count Discord's limits) with an
 * ellipsis, without splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/** How an option reads on a button or in a select: `#id · text`, cleaned and bounded. */
export function optionLabel(item: ListedProposal, max: number): string {
  return truncate(cleanText(`#${item.id} · ${item.text}`), max);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function button(customId: string, label: string, style: ButtonStyle): APIButtonComponentWithCustomId {
  return { type: ComponentType.Button, custom_id: customId, label: truncate(label, LIMITS.buttonLabel), style } as APIButtonComponentWithCustomId;
}

function rowsOf(buttons: readonly APIButtonComponentWithCustomId[], perRow: number = LIMITS.buttonsPerRow): Row[] {
  return chunk(buttons, perRow).slice(0, LIMITS.rows).map((components) => ({ type: ComponentType.ActionRow, components }));
}

function selectOptions(items: readonly ListedProposal[]): APISelectMenuOption[] {
  return items.map((item) => ({ label: optionLabel(item, LIMITS.optionLabel), value: item.id }));
}

/** Where a ballot is: the campaign's and the category's index among the loaded files. */
export interface BallotPlace { readonly campaign: number; readonly category: number }

/**
 * The components of one category's ballot, for the options of its shortlist:
 * - single choice: one button per option up to 25 (rows of 5), else select menus of 25;
 * - approval: one multi-select (at most 25 options, `maxChoices` values);
 * - ranked: a select for the first choice; the next ranks follow in ephemeral replies.
 * `dropped` counts options that did not fit (more than Discord can show).
 */
export function ballotComponents(place: BallotPlace, rule: VoteRule, items: readonly ListedProposal[], locale: Locale): { rows: Row[]; dropped: number } {
  if (items.length === 0) return { rows: [], dropped: 0 };
  const perMessage = LIMITS.rows * LIMITS.selectOptions;
  if (pressCasts(rule) && items.length <= LIMITS.rows * LIMITS.buttonsPerRow) {
    const buttons = items.map((item) => button(
      encodeCustomId({ kind: 'vote', ...place, proposalId: item.id }), optionLabel(item, LIMITS.buttonLabel), ButtonStyle.Primary,
    ));
    return { rows: rowsOf(buttons), dropped: 0 };
  }
  if (rule.method === 'single') {
    const pages = chunk(items.slice(0, perMessage), LIMITS.selectOptions);
    const rows = pages.map((page, i): Row => ({
      type: ComponentType.ActionRow,
      components: [select(encodeCustomId({ kind: 'select', ...place, page: i }), t(locale, 'discord.ballot.single'), page, 1)],
    }));
    return { rows, dropped: Math.max(0, items.length - perMessage) };
  }
  const shown = items.slice(0, LIMITS.selectOptions);
  const dropped = items.length - shown.length;
  if (rule.method === 'approval') {
    const max = choicesAllowed(rule, shown.length);
    const menu = select(encodeCustomId({ kind: 'select', ...place, page: 0 }), t(locale, 'discord.ballot.approval', { max }), shown, max);
    return { rows: [{ type: ComponentType.ActionRow, components: [menu] }], dropped };
  }
  return { rows: rankRows(place, shown, [], locale, rule.maxRanks), dropped };
}

function select(customId: string, placeholder: string, items: readonly ListedProposal[], maxValues: number): APIStringSelectComponent {
  return {
    type: ComponentType.StringSelect, custom_id: customId, placeholder: truncate(placeholder, LIMITS.placeholder),
    min_values: 1, max_values: Math.max(1, Math.min(maxValues, items.length)), options: selectOptions(items),
  };
}

/**
 * The rows of a ranked ballot after `ranked` ranks were chosen: a select for the next rank
 * among the options left, and once one rank is chosen a button to send the ranking. Empty
 * when nothing is left to rank.
 */
export function rankRows(place: BallotPlace, items: readonly ListedProposal[], ranked: readonly string[], locale: Locale, maxRanks?: number): Row[] {
  const left = items.filter((item) => !ranked.includes(item.id)).slice(0, LIMITS.selectOptions);
  const rows: Row[] = [];
  const full = maxRanks !== undefined && ranked.length >= maxRanks;
  if (left.length > 0 && !full) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [select(encodeCustomId({ kind: 'rank', ...place, ranked }), t(locale, 'discord.ballot.rank', { rank: ranked.length + 1 }), left, 1)],
    });
  }
  if (ranked.length > 0) {
    rows.push({ type: ComponentType.ActionRow, components: [button(encodeCustomId({ kind: 'rank-done', ...place, ranked }), t(locale, 'discord.button.rank.done'), ButtonStyle.Success)] });
  }
  return rows;
}

/** Edit and withdraw buttons for a fan's own proposals (two proposals per row, at most ten). */
export function ownProposalRows(campaign: number, proposalIds: readonly string[], locale: Locale): Row[] {
  const buttons = proposalIds.slice(0, 10).flatMap((id) => [
    button(encodeCustomId({ kind: 'edit', campaign, proposalId: id }), t(locale, 'discord.button.edit', { id }), ButtonStyle.Secondary),
    button(encodeCustomId({ kind: 'withdraw', campaign, proposalId: id }), t(locale, 'discord.button.withdraw', { id }), ButtonStyle.Danger),
  ]);
  return rowsOf(buttons, 4);
}

/** A "shortlist #id" button per proposal, for curators (at most 25). */
export function reviewRows(campaign: number, proposalIds: readonly string[], locale: Locale): Row[] {
  const buttons = proposalIds.slice(0, LIMITS.rows * LIMITS.buttonsPerRow).map((id) =>
    button(encodeCustomId({ kind: 'shortlist-add', campaign, proposalId: id }), t(locale, 'discord.button.shortlist', { id }), ButtonStyle.Success));
  return rowsOf(buttons);
}

/**
 * The propose modal: a category select (unless the category was chosen with the command)
 * and a text input bounded by the categories' proposal lengths (the engine re-checks them).
 */
export function proposeModal(campaign: number, categories: readonly { index: number; spec: CategorySpec }[], chosen: number | undefined, locale: Locale): APIModalInteractionResponseCallbackData {
  const shown = chosen === undefined ? categories : categories.filter((c) => c.index === chosen);
  const min = Math.min(...shown.map((c) => c.spec.proposals.minLength));
  const max = Math.min(LIMITS.textInput, Math.max(...shown.map((c) => c.spec.proposals.maxLength)));
  const components: APIModalInteractionResponseCallbackData['components'] = [];
  if (chosen === undefined) {
    components.push({
      type: ComponentType.Label, label: t(locale, 'discord.modal.category'),
      component: {
        type: ComponentType.StringSelect, custom_id: MODAL_FIELDS.category, min_values: 1, max_values: 1, required: true,
        options: shown.slice(0, LIMITS.selectOptions).map((c) => ({
          label: truncate(c.spec.title, LIMITS.optionLabel), value: String(c.index),
          ...(c.spec.prompt ? { description: truncate(c.spec.prompt, 100) } : {}),
        })),
      },
    });
  }
  const only = chosen === undefined ? undefined : shown[0]?.spec;
  components.push(textField(t(locale, 'discord.modal.text'), only?.prompt ?? t(locale, 'discord.modal.length', { min, max }), min, max));
  const title = only ? `${t(locale, 'discord.modal.propose')} · ${only.title}` : t(locale, 'discord.modal.propose');
  return {
    custom_id: encodeCustomId(chosen === undefined ? { kind: 'propose', campaign } : { kind: 'propose', campaign, category: chosen }),
    title: truncate(title, LIMITS.modalTitle), components,
  };
}

/** The modal that edits one proposal. */
export function editModal(campaign: number, proposalId: string, bounds: { min: number; max: number }, locale: Locale): APIModalInteractionResponseCallbackData {
  return {
    custom_id: encodeCustomId({ kind: 'edit-modal', campaign, proposalId }),
    title: truncate(t(locale, 'discord.modal.edit', { id: proposalId }), LIMITS.modalTitle),
    components: [textField(t(locale, 'discord.modal.text'), t(locale, 'discord.modal.length', bounds), bounds.min, Math.min(LIMITS.textInput, bounds.max))],
  };
}

function textField(label: string, description: string, min: number, max: number): APIModalInteractionResponseCallbackData['components'][number] {
  return {
    type: ComponentType.Label, label: truncate(label, LIMITS.labelText), description: truncate(description, LIMITS.labelDescription),
    component: { type: ComponentType.TextInput, custom_id: MODAL_FIELDS.text, style: TextInputStyle.Paragraph, min_length: Math.min(min, max), max_length: max, required: true },
  };
}
