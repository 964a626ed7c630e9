/**
 * Typed Telegram commands: the chat layer's grammar reads `/verb args` into a catalogue
 * command and its options; each is answered the way its entry says (`renders`), in the chat,
 * or privately when the answer concerns only the asker. Also the replies that bring the text
 * of an idea being proposed or edited.
 */
import { Input, TelegramError } from 'telegraf';
import type { Message, User } from 'telegraf/types';
import type { CommandType } from '../../src/engine/commands';
import type { CategorySpec } from '../../src/model/campaign';
import { t } from '../../src/i18n/messages';
import type { ChatCommand } from '../../src/chat/catalogue';
import type { ChatArgs } from '../../src/chat/options';
import type { ChatScope } from '../../src/chat/directory';
import { categoriesIn, exportFiles, fanDataFile, forgetMeExplanation, rolesIn, type ChatFile } from '../../src/chat/flows';
import { inCampaign } from '../../src/chat/runner';
import { head, parseTextCommand, textGrammar, type FanReader } from '../../src/chat/text';
import { renderResult, toPlainText, toTelegramHtml } from '../../src/render/message';
import { draftKey, type TelegramContext } from './context';
import { categoryPicker, clip, ownProposalKeyboard, shortlistKeyboard } from './keyboards';
import { splitTelegramHtml } from './split';

type TextMessage = Message.TextMessage;

const GRAMMAR = textGrammar('telegram');

/** What the asker is told in the chat once their private answer is sent. */
const SENT_PRIVATELY: Partial<Record<CommandType, 'telegram.receipt.sent' | 'telegram.export.sent' | 'reply.mydata.sent'>> = {
  receipt: 'telegram.receipt.sent', export: 'telegram.export.sent', mydata: 'reply.mydata.sent', 'fan.export': 'reply.mydata.sent',
};

/** Whether `name` is one of the bot's commands (else the message is left alone). */
export function isTelegramCommand(name: string): boolean {
  return GRAMMAR.knows(name);
}

/**
 * A fan as a Telegram moderator names them: `platform:id` or a bare Telegram user id; else
 * (no such word) the author of the message the command replies to.
 */
export function fanReader(message: TextMessage): FanReader {
  return {
    named: (word) => (/^\d{1,20}$/.test(word) ? `telegram:${word}` : /^\w+:\S+$/.test(word) ? word : null),
    implied: () => {
      const replied = (message as { reply_to_message?: { from?: User } }).reply_to_message?.from;
      return replied && !replied.is_bot ? `telegram:${replied.id}` : null;
    },
  };
}

export class TelegramCommands {
  constructor(private readonly context: TelegramContext) {}

  /** `/name args` in `message`'s chat. */
  async onCommand(name: string, args: string, message: TextMessage): Promise<void> {
    const { context } = this;
    if (!GRAMMAR.knows(name)) return;
    const scope = await context.scope(context.directory.find(context.placeOf(message.chat)), message.from!, message.chat);
    if (!scope) return context.replyText(message, t(context.defaultLocale(), 'telegram.no-campaign'));
    const parsed = parseTextCommand(GRAMMAR, name, args, fanReader(message));
    if (!parsed.ok) return context.replyText(message, t(scope.locale, 'command.invalid'));
    for (const use of parsed.uses) await this.answer(parsed.command, use, scope, message);
  }

  private async answer(entry: ChatCommand, args: ChatArgs, scope: ChatScope, message: TextMessage): Promise<void> {
    const { context } = this;
    const body = entry.build?.(args);
    switch (entry.renders) {
      case 'help':
        return context.replyText(message, t(scope.locale, 'telegram.help', { title: scope.campaign.title }));
      case 'propose':
        return this.propose(scope, args.text ?? '', message);
      case 'own-proposals':
        return this.mine(scope, message);
      case 'review':
        return this.shortlistPanels(scope, message);
      case 'forgetme':
        if (!args.confirm) return context.replyText(message, forgetMeExplanation(scope, '/forgetme confirm'));
        break;
      case 'fan-data':
      case 'export':
        if (body) return this.files(entry, scope, inCampaign(body, scope.campaign.id), message);
        break;
      case 'result': case 'status': case 'advance': case 'as': case 'campaign': case 'quit':
        break;
    }
    if (!body) return context.replyText(message, t(scope.locale, 'command.invalid'));
    if (entry.private && message.chat.type !== 'private') return this.privateResult(entry, scope, inCampaign(body, scope.campaign.id), message);
    await context.run(scope, body, message);
  }

  /** An idea: straight in when its category is named (or only one takes ideas) and its text given; else a category keyboard. */
  private async propose(scope: ChatScope, text: string, message: TextMessage): Promise<void> {
    const { context } = this;
    const [first, rest] = head(text);
    const named = scope.campaign.categories.find((c) => c.id === first.toLowerCase() && !c.options);
    if (named && rest !== '') {
      await context.run(scope, { type: 'propose', categoryId: named.id, text: rest }, message);
      return;
    }
    const open = (await categoriesIn(context.runner, scope, 'propose', { ideas: true, running: true })).map((c) => c.spec);
    if (open.length === 0) return context.replyText(message, t(scope.locale, 'telegram.propose.none'));
    if (open.length === 1 && text !== '') {
      await context.run(scope, { type: 'propose', categoryId: open[0]!.id, text }, message);
      return;
    }
    context.drafts.set(draftKey(message.chat.id, message.from!.id), {
      kind: 'propose.pick', campaign: scope.index, replyTo: message.message_id, ...(text !== '' ? { text } : {}),
    });
    await context.replyText(message, t(scope.locale, 'telegram.propose.pick'), { keyboard: categoryPicker(scope.index, scope.campaign, open) });
  }

  /** The asker's ideas, with edit and withdraw buttons. */
  private async mine(scope: ChatScope, message: TextMessage): Promise<void> {
    const command = inCampaign({ type: 'proposals', mine: true }, scope.campaign.id);
    const result = await this.context.execute(scope, command);
    const editable = result.ok && result.type === 'proposals' ? result.proposals.filter((p) => p.status === 'active') : [];
    const keyboard = ownProposalKeyboard(scope.index, editable, scope.locale);
    await this.context.reply(message, renderResult(result, command, scope.campaign, scope.locale), keyboard.length > 0 ? { keyboard } : {});
  }

  /** `/shortlist` alone: one panel per category being shortlisted (else taking ideas). */
  private async shortlistPanels(scope: ChatScope, message: TextMessage): Promise<void> {
    const { context } = this;
    let categories = await categoriesIn(context.runner, scope, 'shortlist', { ideas: true, running: true });
    if (categories.length === 0) categories = await categoriesIn(context.runner, scope, 'propose', { ideas: true, running: true });
    const specs = categories.length > 0 ? categories.map((c) => c.spec) : scope.campaign.categories.filter((c) => !c.options);
    const curator = (await rolesIn(context.runner, scope)).includes('curator');
    for (const category of specs) await this.shortlistPanel(scope, category, curator, message);
  }

  /** The shortlist of a category and, for a curator, a ➕/➖ button per idea. */
  private async shortlistPanel(scope: ChatScope, category: CategorySpec, curator: boolean, message: TextMessage): Promise<void> {
    const { context } = this;
    const { locale, campaign } = scope;
    const listCommand = inCampaign({ type: 'shortlist.list', categoryId: category.id }, campaign.id);
    const listed = await context.execute(scope, listCommand);
    const rendered = renderResult(listed, listCommand, campaign, locale);
    if (!curator || !listed.ok || listed.type !== 'shortlist.list') return context.reply(message, rendered);
    const all = await context.execute(scope, inCampaign({ type: 'proposals', categoryId: category.id }, campaign.id));
    const inList = new Set(listed.proposals.map((p) => p.id));
    const candidates = all.ok && all.type === 'proposals' ? all.proposals.filter((p) => p.status === 'active' || inList.has(p.id)) : [];
    if (candidates.length === 0) {
      return context.reply(message, { parts: [...rendered.parts, `\n${t(locale, 'telegram.shortlist.no-candidates', { category: category.title })}`] });
    }
    await context.reply(message, { parts: [...rendered.parts, `\n${t(locale, 'telegram.shortlist.candidates')}`] }, { keyboard: shortlistKeyboard(scope.index, candidates, inList, locale) });
  }

  /**
   * A fan's data or a manager's export: the files, sent in a private chat with the asker (a
   * group never sees them), the fan data with its summary as caption.
   */
  private async files(entry: ChatCommand, scope: ChatScope, command: ReturnType<typeof inCampaign>, message: TextMessage): Promise<void> {
    const { context } = this;
    const { locale, campaign } = scope;
    const result = await context.execute(scope, command);
    let files: readonly ChatFile[];
    let caption: string | undefined;
    if (result.ok && (result.type === 'mydata' || result.type === 'fan.export')) {
      files = [fanDataFile(result, scope)];
      caption = clip(toPlainText(renderResult(result, command, campaign, locale)), 1024);
    } else if (result.ok && result.type === 'export') {
      files = exportFiles(result.export);
      caption = t(locale, 'telegram.export.caption', { title: campaign.title });
    } else {
      return context.reply(message, renderResult(result, command, campaign, locale));
    }
    try {
      for (const [i, file] of files.entries()) {
        await context.telegram.sendDocument(message.from!.id, Input.fromBuffer(Buffer.from(file.text, 'utf8'), file.name), i === 0 && caption !== undefined ? { caption } : {});
      }
    } catch (error) {
      if (!(error instanceof TelegramError) || error.code >= 500) throw error;
      return context.replyText(message, t(locale, entry.renders === 'export' ? 'telegram.export.blocked' : 'telegram.mydata.blocked'));
    }
    const sent = entry.runs === null ? undefined : SENT_PRIVATELY[entry.runs];
    if (message.chat.type !== 'private' && sent) await context.replyText(message, t(locale, sent));
  }

  /** An answer only the asker may see (their ballot's receipt), sent in a private chat: never in the group. */
  private async privateResult(entry: ChatCommand, scope: ChatScope, command: ReturnType<typeof inCampaign>, message: TextMessage): Promise<void> {
    const { context } = this;
    const result = await context.execute(scope, command);
    const rendered = renderResult(result, command, scope.campaign, scope.locale);
    if (!result.ok) return context.reply(message, rendered);
    try {
      for (const chunk of splitTelegramHtml(toTelegramHtml(rendered))) await context.send(message.from!.id, chunk);
    } catch (error) {
      if (!(error instanceof TelegramError) || error.code >= 500) throw error;
      return context.replyText(message, t(scope.locale, 'telegram.export.blocked'));
    }
    const sent = entry.runs === null ? undefined : SENT_PRIVATELY[entry.runs];
    if (sent) await context.replyText(message, t(scope.locale, sent));
  }

  /** A message that is no command: the text of an idea or of an edit its author was asked for. False when there was none. */
  async onText(message: TextMessage): Promise<boolean> {
    const { context } = this;
    const key = draftKey(message.chat.id, message.from!.id);
    const draft = context.drafts.get(key);
    if (!draft || draft.kind === 'propose.pick') return false;
    context.drafts.delete(key);
    const scope = await context.scope(draft.campaign, message.from!, message.chat);
    if (!scope) return true;
    if (draft.kind === 'propose.text') {
      const category = scope.campaign.categories[draft.category];
      if (category) await context.run(scope, { type: 'propose', categoryId: category.id, text: message.text }, message);
    } else {
      await context.run(scope, { type: 'edit', proposalId: draft.proposalId, text: message.text }, message);
    }
    return true;
  }
}
