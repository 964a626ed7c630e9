/**
 * Inline button presses: the action their `callback_data` carries (callback.ts), the ballot
 * policy of the chat layer (a press casts a single-choice ballot; on approval and ranked
 * ballots it picks, and ✅ casts), and exactly one `answerCallbackQuery` per press, once the
 * engine has answered. A ballot press is the surge path: the campaign by index, the engine
 * once, the answer without holding telegraf's polling loop.
 */
import type { Telegram } from 'telegraf';
import type { CallbackQuery } from 'telegraf/types';
import type { Command, CommandResult } from '../../src/engine/commands';
import { t } from '../../src/i18n/messages';
import { choiceLabel, pressCasts } from '../../src/chat/ballot';
import { describeError } from '../../src/chat/delivery';
import type { ChatScope } from '../../src/chat/directory';
import { renderResult, toPlainText, toTelegramHtml } from '../../src/render/message';
import { decodeCallback, type CallbackAction } from './callback';
import { draftKey, type TelegramContext } from './context';
import { clip, flippedShortlist } from './keyboards';

const CALLBACK_ANSWER_MAX = 200;

interface Answer { readonly text: string; readonly alert: boolean }

export class TelegramButtons {
  /** Answers to button presses on their way (stop() lets them finish). */
  readonly answering = new Set<Promise<void>>();

  constructor(private readonly context: TelegramContext) {}

  /** Whether a press is on one of the bot's own buttons. */
  owns(query: CallbackQuery): boolean {
    return decodeCallback('data' in query ? query.data : undefined) !== null;
  }

  /** Every press is answered exactly once, after the engine answered (or with the refusal). `telegram` is the update's own client (in webhook mode it holds Telegram's post). */
  async onPress(query: CallbackQuery, telegram: Telegram): Promise<void> {
    this.context.prune();
    const data = 'data' in query ? query.data : undefined;
    let answer: Answer;
    try {
      answer = await this.press(query, decodeCallback(data));
    } catch (error) {
      this.context.log(`telegram: button ${JSON.stringify(data?.slice(0, 64))} failed: ${describeError(error)}`);
      answer = { text: t(this.context.defaultLocale(), 'store.unavailable'), alert: true };
    }
    // The engine's answer is durable: the press is answered without holding telegraf's polling
    // loop, which fetches the next updates only once every handler of a batch has returned.
    // Waiting for each answer's round trip there would cap a surge at one batch per round trip.
    // In webhook mode the answer rides in the response to Telegram's post of the update (no
    // request of its own: telegraf's webhook reply, for this update's client only).
    telegram.webhookReply = true;
    const sent = telegram.answerCbQuery(query.id, clip(answer.text, CALLBACK_ANSWER_MAX), { show_alert: answer.alert })
      .then(() => {}, (error: unknown) => this.context.log(`telegram: could not answer button ${query.id}: ${describeError(error)}`))
      .finally(() => this.answering.delete(sent));
    this.answering.add(sent);
  }

  private async press(query: CallbackQuery, action: CallbackAction | null): Promise<Answer> {
    const { context } = this;
    const chat = query.message?.chat;
    const scope = action ? await context.scope(action.campaign, query.from, chat) : null;
    if (!action || !scope) return { text: t(context.defaultLocale(), 'command.invalid'), alert: true };
    const { locale, campaign } = scope;
    const category = 'category' in action ? campaign.categories[action.category] : undefined;
    if ('category' in action && !category) return { text: t(locale, 'command.invalid'), alert: true };
    const fan = String(query.from.id);
    switch (action.kind) {
      case 'vote': {
        if (pressCasts(category!.vote)) return this.execute(scope, { type: 'vote', campaignId: campaign.id, categoryId: category!.id, choice: [action.proposalId] });
        const ids = context.picks.toggle(action.campaign, action.category, fan, action.proposalId);
        return ids.length === 0
          ? { text: t(locale, 'telegram.ballot.empty'), alert: false }
          : { text: t(locale, 'telegram.ballot.picked', { choice: choiceLabel(category!.vote, ids) }), alert: false };
      }
      case 'vote.submit': {
        const ids = context.picks.picked(action.campaign, action.category, fan);
        if (ids.length === 0) return { text: t(locale, 'telegram.ballot.empty'), alert: true };
        const answer = await this.execute(scope, { type: 'vote', campaignId: campaign.id, categoryId: category!.id, choice: ids });
        if (answer.result.ok) context.picks.forget(action.campaign, action.category, fan);
        return answer;
      }
      case 'vote.reset':
        context.picks.forget(action.campaign, action.category, fan);
        return { text: t(locale, 'telegram.ballot.reset'), alert: false };
      case 'propose': {
        if (!chat) return { text: t(locale, 'telegram.expired'), alert: true };
        const key = draftKey(chat.id, query.from.id);
        const draft = context.drafts.get(key);
        if (draft?.kind === 'propose.pick' && draft.campaign === action.campaign && draft.text !== undefined) {
          context.drafts.delete(key);
          const command: Command = { type: 'propose', campaignId: campaign.id, categoryId: category!.id, text: draft.text };
          const answer = await this.execute(scope, command);
          await context.send(chat.id, toTelegramHtml(renderResult(answer.result, command, campaign, locale)), { replyTo: draft.replyTo });
          return answer;
        }
        context.drafts.set(key, { kind: 'propose.text', campaign: action.campaign, category: action.category });
        const replyTo = draft?.kind === 'propose.pick' ? draft.replyTo : undefined;
        await context.prompt(chat.id, query.from, locale, 'telegram.propose.write', { category: category!.title }, replyTo);
        return { text: t(locale, 'telegram.propose.chosen', { category: category!.title }), alert: false };
      }
      case 'edit': {
        if (!chat) return { text: t(locale, 'telegram.expired'), alert: true };
        context.drafts.set(draftKey(chat.id, query.from.id), { kind: 'edit.text', campaign: action.campaign, proposalId: action.proposalId });
        await context.prompt(chat.id, query.from, locale, 'telegram.edit.write', { id: action.proposalId });
        return { text: t(locale, 'telegram.edit.chosen', { id: action.proposalId }), alert: false };
      }
      case 'withdraw':
        return this.execute(scope, { type: 'withdraw', campaignId: campaign.id, proposalId: action.proposalId });
      case 'shortlist.add':
      case 'shortlist.remove': {
        const answer = await this.execute(scope, { type: action.kind, campaignId: campaign.id, proposalId: action.proposalId });
        if (answer.result.ok && query.message) await this.flipShortlistButton(query, action).catch((error: unknown) => context.log(`telegram: cannot update the shortlist panel: ${describeError(error)}`));
        return answer;
      }
    }
  }

  private async execute(scope: ChatScope, command: Command): Promise<Answer & { result: CommandResult }> {
    const result = await this.context.execute(scope, command);
    return { text: toPlainText(renderResult(result, command, scope.campaign, scope.locale)), alert: !result.ok, result };
  }

  /** After a ➕ or ➖ went through, the pressed button turns into the other one. */
  private async flipShortlistButton(query: CallbackQuery, action: Extract<CallbackAction, { kind: 'shortlist.add' | 'shortlist.remove' }>): Promise<void> {
    const message = query.message;
    if (!message || !('reply_markup' in message) || !message.reply_markup) return;
    const keyboard = flippedShortlist(message.reply_markup.inline_keyboard, action);
    await this.context.telegram.editMessageReplyMarkup(message.chat.id, message.message_id, undefined, { inline_keyboard: keyboard });
  }
}
