/**
 * Slash commands: the catalogue entry of the command (definitions.ts), its options read from
 * the interaction, the engine command it builds, and the answer shown the way its entry says
 * (`renders`). The propose form is a modal, which must be the interaction's first answer.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { CampaignSpec } from '../../src/model/campaign';
import { refuse, type RefusalCode } from '../../src/model/refusals';
import { t } from '../../src/i18n/messages';
import { SLASH_NAMES_FR, roleNeeded, type ChatCommand } from '../../src/chat/catalogue';
import { OPTIONS, type ChatArgs } from '../../src/chat/options';
import type { ChatScope } from '../../src/chat/directory';
import { advanceFromSeen, categoriesIn, exportFiles, fanDataFile, forgetMeExplanation } from '../../src/chat/flows';
import { inCampaign } from '../../src/chat/runner';
import { renderResult, toDiscordMarkdown } from '../../src/render/message';
import { fanFromOption } from './actor';
import { EPHEMERAL, type Answers } from './answers';
import { ownProposalRows, proposeModal, reviewRows } from './components';
import { slashCommand, slashOptions } from './definitions';
import { NO_MENTIONS } from './delivery';

type Interaction = ChatInputCommandInteraction;

/** A category named by id (autocomplete) or by title; unknown names go to the engine as they are. */
export function categoryId(campaign: CampaignSpec, name: string): string {
  const trimmed = name.trim();
  return campaign.categories.find((c) => c.id === trimmed || c.title === trimmed)?.id ?? trimmed;
}

export class SlashCommands {
  constructor(private readonly answers: Answers) {}

  async handle(interaction: Interaction): Promise<void> {
    const { answers } = this;
    const named = interaction.options.getString('campaign');
    const scope = answers.scope(interaction, answers.campaignFor(interaction, named));
    const entry = slashCommand(interaction.commandName, interaction.options.getSubcommand(false));
    // The propose modal must be the first answer: it cannot follow a deferral.
    if (entry?.renders === 'propose') return this.openProposeModal(interaction, scope, named);
    answers.hold(interaction);
    if (!scope) return answers.answerRefusal(interaction, null, 'campaign.unknown');
    if (!entry?.build) return answers.answerRefusal(interaction, scope, 'command.invalid');
    const args = readArgs(interaction, scope.campaign, entry);
    const command = inCampaign(entry.build(args), scope.campaign.id);
    switch (entry.renders) {
      case 'result': {
        const result = await this.run(scope, command);
        // Managers' commands also show the channels the bot cannot post in.
        if (roleNeeded(entry) === 'manager') return this.withWarnings(interaction, scope, result, command, result.ok);
        return answers.answerResult(interaction, scope, result, command);
      }
      case 'status': {
        const result = await this.run(scope, command);
        return this.withWarnings(interaction, scope, result, command, result.ok && result.type === 'status' && result.roles.includes('manager'));
      }
      case 'advance': {
        if (command.type !== 'advance') break;
        const { from: _from, ...shown } = command;
        const result = await advanceFromSeen(answers.services.runner, scope, command);
        return this.withWarnings(interaction, scope, result, shown, result.ok);
      }
      case 'own-proposals': return this.ownProposals(interaction, scope, command);
      case 'review': return this.review(interaction, scope, command);
      case 'export': return this.exportResults(interaction, scope, command);
      case 'fan-data': return this.fanData(interaction, scope, command);
      case 'forgetme': {
        if (!args.confirm) {
          const how = scope.locale === 'fr' ? `${SLASH_NAMES_FR.forgetme} ${OPTIONS.confirm.slash?.fr}` : 'forgetme confirm';
          return answers.answer(interaction, forgetMeExplanation(scope, `/${how}: ${t(scope.locale, 'discord.choice.confirm')}`));
        }
        return answers.answerResult(interaction, scope, await this.run(scope, command), command);
      }
      case 'help': case 'as': case 'campaign': case 'quit':
        break;
    }
    return answers.answerRefusal(interaction, scope, 'command.invalid');
  }

  private run(scope: ChatScope, command: Command): Promise<CommandResult> {
    return this.answers.services.runner.execute(command, scope.actor);
  }

  private withWarnings(interaction: Interaction, scope: ChatScope, result: CommandResult, command: Command, manager: boolean): Promise<void> {
    return this.answers.answerWithWarnings(interaction, scope, renderResult(result, command, scope.campaign, scope.locale), manager);
  }

  private async openProposeModal(interaction: Interaction, scope: ChatScope | null, named: string | null): Promise<void> {
    if (!scope) {
      const locale = this.answers.locale(interaction, undefined);
      const content = named ? t(locale, 'campaign.unknown', { campaign: '…' }) : t(locale, 'discord.campaign.none');
      await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
      return;
    }
    const wanted = interaction.options.getString('category');
    const candidates = await categoriesIn(this.answers.services.runner, scope, 'propose', { ideas: true, running: true });
    let chosen: number | undefined;
    let refusal: { code: RefusalCode; params?: Record<string, string> } | null = null;
    if (wanted !== null) {
      const index = scope.campaign.categories.findIndex((c) => c.id === wanted || c.title === wanted);
      if (index < 0) refusal = { code: 'category.unknown', params: { category: wanted } };
      else if (scope.campaign.categories[index]?.options) refusal = { code: 'category.fixed-options' };
      else if (!candidates.some((c) => c.index === index)) refusal = { code: 'phase.closed' };
      else chosen = index;
    } else if (candidates.length === 0) {
      refusal = { code: 'phase.closed' };
    } else if (candidates.length === 1) {
      chosen = candidates[0]?.index;
    }
    if (refusal) {
      const command: Command = { type: 'status', campaignId: scope.campaign.id };
      const [content = '…'] = toDiscordMarkdown(renderResult(refuse(refusal.code, refusal.params), command, scope.campaign, scope.locale));
      await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.showModal(proposeModal(scope.index, candidates, chosen, scope.locale));
  }

  /** The member's own ideas, with edit and withdraw buttons on those still taking edits. */
  private async ownProposals(interaction: Interaction, scope: ChatScope, command: Command): Promise<void> {
    const result = await this.run(scope, command);
    let rows: ReturnType<typeof ownProposalRows> = [];
    if (result.ok && result.type === 'proposals') {
      const open = new Set((await categoriesIn(this.answers.services.runner, scope, 'propose', { ideas: false, running: false })).map((c) => c.spec.id));
      const editable = result.proposals.filter((p) => p.status === 'active' && open.has(p.categoryId)).map((p) => p.id);
      rows = ownProposalRows(scope.index, editable, scope.locale);
    }
    await this.answers.answerResult(interaction, scope, result, command, rows);
  }

  /** A category's ideas, with a button to shortlist each one not yet on it (curators). */
  private async review(interaction: Interaction, scope: ChatScope, command: Command): Promise<void> {
    const { answers } = this;
    if (command.type !== 'proposals' || command.categoryId === undefined) return answers.answerRefusal(interaction, scope, 'command.invalid');
    const result = await this.run(scope, command);
    if (!result.ok || result.type !== 'proposals') return answers.answerResult(interaction, scope, result, command);
    const listed = await this.run(scope, { type: 'shortlist.list', campaignId: scope.campaign.id, categoryId: command.categoryId });
    const onList = new Set(listed.ok && listed.type === 'shortlist.list' ? listed.proposals.map((p) => p.id) : []);
    const open = result.proposals.filter((p) => (p.status === 'active' || p.status === 'review') && !onList.has(p.id));
    if (open.length === 0) return answers.answer(interaction, t(scope.locale, 'discord.review.none'));
    const shown = { ...result, proposals: open };
    await answers.answerResult(interaction, scope, shown, command, reviewRows(scope.index, open.map((p) => p.id), scope.locale));
  }

  /** The manager's export (CSV for spreadsheets, and JSON), attached to a reply only they see. */
  private async exportResults(interaction: Interaction, scope: ChatScope, command: Command): Promise<void> {
    const result = await this.run(scope, command);
    if (!result.ok || result.type !== 'export') return this.answers.answerResult(interaction, scope, result, command);
    const files = exportFiles(result.export).map((file) => ({ attachment: Buffer.from(file.text, 'utf8'), name: file.name }));
    await this.answers.answer(interaction, t(scope.locale, 'discord.export', { campaign: scope.campaign.title }), [], files);
  }

  /** /mydata (and a manager's fan export): the summary and the JSON file, in the ephemeral reply only the asker sees. */
  private async fanData(interaction: Interaction, scope: ChatScope, command: Command): Promise<void> {
    const result = await this.run(scope, command);
    if (!result.ok || (result.type !== 'mydata' && result.type !== 'fan.export')) return this.answers.answerResult(interaction, scope, result, command);
    const file = fanDataFile(result, scope);
    await this.answers.answer(interaction, renderResult(result, command, scope.campaign, scope.locale), [], [{ attachment: Buffer.from(file.text), name: file.name }]);
  }
}

/** The options of one slash command, as the catalogue entry reads them. */
function readArgs(interaction: Interaction, campaign: CampaignSpec, entry: ChatCommand): ChatArgs {
  const { options } = interaction;
  const args: { -readonly [K in keyof ChatArgs]: ChatArgs[K] } = {};
  for (const name of slashOptions(entry)) {
    switch (name) {
      case 'category': {
        const value = options.getString('category');
        if (value !== null) args.category = categoryId(campaign, value);
        break;
      }
      case 'proposal': args.proposal = options.getString('proposal', true).trim().replace(/^#/, ''); break;
      case 'fan': args.fan = fanFromOption(options.getString('fan', true)); break;
      case 'duration': args.duration = options.getString('duration', true); break;
      case 'reason': args.reason = options.getString('reason') ?? ''; break;
      case 'confirm': args.confirm = options.getString('confirm') === OPTIONS.confirm.slash?.choice?.value; break;
      default: break; // `campaign` chose the scope
    }
  }
  return args;
}

