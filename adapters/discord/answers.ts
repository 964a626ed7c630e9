/**
 * How the Discord adapter answers one interaction: the scope it is about (campaign, language,
 * member, place), and its first answer, deferred only when the engine is late (reply.ts), cut
 * to Discord's 2000 characters with the rest as ephemeral follow-ups, never pinging anyone.
 * Every answer is ephemeral: only the member who asked sees it.
 */
import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { CampaignSpec, Locale } from '../../src/model/campaign';
import { refuse, type RefusalCode } from '../../src/model/refusals';
import { t } from '../../src/i18n/messages';
import { describeError, type Announcer } from '../../src/chat/delivery';
import type { CampaignDirectory, ChatScope } from '../../src/chat/directory';
import { runIn } from '../../src/chat/flows';
import type { CommandBody, CommandRunner } from '../../src/chat/runner';
import { renderResult, toDiscordMarkdown, type RenderedMessage } from '../../src/render/message';
import { actorOf, placeOf } from './actor';
import { truncate, type Row } from './components';
import { NO_MENTIONS } from './delivery';
import { LazyReply, type ReplyMode } from './reply';

export const EPHEMERAL = MessageFlags.Ephemeral;

/** What the interaction handlers share. */
export interface DiscordServices {
  readonly runner: CommandRunner;
  readonly directory: CampaignDirectory;
  /** Knows the channels the bot cannot post in (shown to managers). */
  readonly announcer: Announcer;
  readonly log: (line: string) => void;
  /** How long an interaction waits for the engine before it is deferred. */
  readonly deferAfterMs: number;
}

/** A file attached to an answer. */
export interface AnswerFile { readonly attachment: Buffer; readonly name: string }

export class Answers {
  /** The first answer of each interaction in progress (see reply.ts). */
  private readonly replies = new WeakMap<Interaction, LazyReply>();
  /** When each interaction was created, on this machine's clock (see InteractionLateness). */
  readonly createdAt = new WeakMap<Interaction, number>();

  constructor(readonly services: DiscordServices) {}

  /** The language of a member's answer. */
  locale(interaction: Interaction, campaign: CampaignSpec | undefined): Locale {
    return this.services.directory.personLocale(interaction.locale, campaign, interaction.guildLocale);
  }

  /** The campaign an interaction is about: named, else the one of its channel, else of its server. */
  campaignFor(interaction: Interaction, named: string | null): number | null {
    return this.services.directory.find(placeOf(interaction), named);
  }

  scope(interaction: Interaction, index: number | null): ChatScope | null {
    const campaign = index === null ? undefined : this.services.directory.at(index);
    if (campaign === undefined) return null;
    return this.services.directory.scope(index, placeOf(interaction), actorOf(interaction), this.locale(interaction, campaign));
  }

  run(scope: ChatScope, body: CommandBody): Promise<CommandResult> {
    return runIn(this.services.runner, scope, body);
  }

  /** The interaction will be answered with the engine's result: deferred only if that is late. */
  hold(interaction: RepliableInteraction, mode: ReplyMode = 'reply'): void {
    const reply = new LazyReply(interaction, mode, this.services.deferAfterMs, (error) => {
      this.services.log(`discord: interaction ${interaction.id} could not be deferred: ${describeError(error)}`);
    }, this.createdAt.get(interaction) ?? Date.now());
    this.replies.set(interaction, reply);
  }

  /** Answers with `message` (and follow-ups when it is longer than 2000). */
  async answer(interaction: RepliableInteraction, message: RenderedMessage | string, rows: Row[] = [], files?: AnswerFile[]): Promise<void> {
    const chunks = typeof message === 'string' ? [truncate(message, 2000)] : toDiscordMarkdown(message);
    if (chunks.length === 0) chunks.push('…');
    const last = chunks.length - 1;
    const first = {
      content: chunks[0] ?? '…', components: last === 0 ? rows : [], allowedMentions: NO_MENTIONS,
      ...(files && last === 0 ? { files } : {}),
    };
    const reply = this.replies.get(interaction);
    if (reply && !reply.answered) await reply.send(first);
    else await interaction.editReply(first);
    for (let i = 1; i <= last; i++) {
      await interaction.followUp({
        content: chunks[i] ?? '…', components: i === last ? rows : [], flags: EPHEMERAL, allowedMentions: NO_MENTIONS,
        ...(files && i === last ? { files } : {}),
      });
    }
  }

  async answerResult(interaction: RepliableInteraction, scope: ChatScope, result: CommandResult, command: Command, rows: Row[] = []): Promise<void> {
    await this.answer(interaction, renderResult(result, command, scope.campaign, scope.locale), result.ok ? rows : []);
  }

  /** A refusal decided before reaching the engine (an unknown campaign, a malformed id). */
  async answerRefusal(interaction: RepliableInteraction, scope: ChatScope | null, code: RefusalCode, params?: Record<string, string>): Promise<void> {
    if (!scope) {
      await this.answer(interaction, t(this.locale(interaction, undefined), 'discord.campaign.none'));
      return;
    }
    const command: Command = { type: 'status', campaignId: scope.campaign.id };
    await this.answer(interaction, renderResult(refuse(code, params), command, scope.campaign, scope.locale));
  }

  /** Managers also see the channels the bot cannot post in. */
  async answerWithWarnings(interaction: RepliableInteraction, scope: ChatScope, message: RenderedMessage, manager: boolean): Promise<void> {
    const targets = manager ? this.services.announcer.unreachableTargets(scope.campaign.id) : [];
    const warnings = targets.map((target) => t(scope.locale, 'discord.warning.permission', { channel: target.split('/')[1] ?? target }));
    await this.answer(interaction, { parts: [...message.parts, ...warnings.map((w) => `\n${w}`)] });
  }

  /** The generic "try again" after a failure, through whichever answer the interaction still takes. */
  async answerFailure(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    const content = t(this.locale(interaction, undefined), 'store.unavailable');
    const reply = this.replies.get(interaction);
    if (reply && !reply.answered) await reply.send({ content, components: [], allowedMentions: NO_MENTIONS });
    else if (interaction.deferred) await interaction.editReply({ content, components: [], allowedMentions: NO_MENTIONS });
    else if (!interaction.replied) await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
  }
}

