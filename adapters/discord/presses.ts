/**
 * Buttons, select menus and modal submits: the request their custom id carries (ids.ts), the
 * ballot policy of the chat layer for ballots, and the engine's answer. A ballot press is the
 * surge path: it reads the campaign by index, asks the engine once, and answers.
 */
import type { ButtonInteraction, ModalSubmitInteraction, RepliableInteraction, StringSelectMenuInteraction } from 'discord.js';
import type { Command } from '../../src/engine/commands';
import type { CampaignSpec, CategorySpec } from '../../src/model/campaign';
import type { ListedProposal } from '../../src/model/events';
import { t } from '../../src/i18n/messages';
import { choiceFromValues, choiceLabel, extendRanking } from '../../src/chat/ballot';
import type { ChatScope } from '../../src/chat/directory';
import { EPHEMERAL, type Answers } from './answers';
import { editModal, rankRows } from './components';
import { decodeCustomId, MODAL_FIELDS, type CustomId } from './ids';

export class Presses {
  constructor(private readonly answers: Answers) {}

  async onComponent(interaction: ButtonInteraction | StringSelectMenuInteraction): Promise<void> {
    const { answers } = this;
    const id = decodeCustomId(interaction.customId);
    const scope = id ? answers.scope(interaction, id.campaign) : null;
    if (id && scope && id.kind === 'edit') {
      // A modal must be the first answer.
      await interaction.showModal(editModal(scope.index, id.proposalId, editBounds(scope.campaign), scope.locale));
      return;
    }
    const inEphemeral = interaction.message.flags.has(EPHEMERAL);
    const continuesRanking = id?.kind === 'rank' && inEphemeral || id?.kind === 'rank-done';
    answers.hold(interaction, continuesRanking ? 'update' : 'reply');
    if (!id) return answers.answerRefusal(interaction, answers.scope(interaction, answers.campaignFor(interaction, null)), 'command.invalid');
    if (!scope) return answers.answerRefusal(interaction, null, 'campaign.unknown');
    const campaignId = scope.campaign.id;
    switch (id.kind) {
      case 'vote':
        return this.vote(interaction, scope, id.category, [id.proposalId]);
      case 'select': {
        const values = interaction.isStringSelectMenu() ? interaction.values : [];
        const spec = scope.campaign.categories[id.category];
        return this.vote(interaction, scope, id.category, spec ? choiceFromValues(spec.vote, values) : values.slice(0, 1));
      }
      case 'rank':
        return this.rank(interaction, scope, id, interaction.isStringSelectMenu() ? interaction.values : []);
      case 'rank-done':
        return this.vote(interaction, scope, id.category, id.ranked);
      case 'withdraw': {
        const command: Command = { type: 'withdraw', campaignId, proposalId: id.proposalId };
        return answers.answerResult(interaction, scope, await this.run(scope, command), command);
      }
      case 'shortlist-add':
      case 'shortlist-remove': {
        const command: Command = { type: id.kind === 'shortlist-add' ? 'shortlist.add' : 'shortlist.remove', campaignId, proposalId: id.proposalId };
        return answers.answerResult(interaction, scope, await this.run(scope, command), command);
      }
      default:
        return answers.answerRefusal(interaction, scope, 'command.invalid');
    }
  }

  async onModal(interaction: ModalSubmitInteraction): Promise<void> {
    const { answers } = this;
    answers.hold(interaction);
    const id = decodeCustomId(interaction.customId);
    const scope = id ? answers.scope(interaction, id.campaign) : null;
    if (!id) return answers.answerRefusal(interaction, answers.scope(interaction, answers.campaignFor(interaction, null)), 'command.invalid');
    if (!scope) return answers.answerRefusal(interaction, null, 'campaign.unknown');
    const text = fieldText(interaction, MODAL_FIELDS.text);
    if (id.kind === 'edit-modal') {
      const command: Command = { type: 'edit', campaignId: scope.campaign.id, proposalId: id.proposalId, text };
      return answers.answerResult(interaction, scope, await this.run(scope, command), command);
    }
    if (id.kind !== 'propose') return answers.answerRefusal(interaction, scope, 'command.invalid');
    const picked = id.category ?? Number(fieldValues(interaction, MODAL_FIELDS.category)[0] ?? NaN);
    const spec: CategorySpec | undefined = Number.isInteger(picked) ? scope.campaign.categories[picked] : undefined;
    if (!spec) return answers.answerRefusal(interaction, scope, 'category.unknown', { category: String(picked) });
    const command: Command = { type: 'propose', campaignId: scope.campaign.id, categoryId: spec.id, text };
    await answers.answerResult(interaction, scope, await this.run(scope, command), command);
  }

  private run(scope: ChatScope, command: Command) {
    return this.answers.services.runner.execute(command, scope.actor);
  }

  private async vote(interaction: RepliableInteraction, scope: ChatScope, category: number, choice: readonly string[]): Promise<void> {
    const spec = scope.campaign.categories[category];
    if (!spec) return this.answers.answerRefusal(interaction, scope, 'category.unknown', { category: String(category) });
    const command: Command = { type: 'vote', campaignId: scope.campaign.id, categoryId: spec.id, choice };
    await this.answers.answerResult(interaction, scope, await this.run(scope, command), command);
  }

  /** One more rank of a ranked ballot: the next select, or the ballot itself once nothing is left. */
  private async rank(interaction: RepliableInteraction, scope: ChatScope, id: Extract<CustomId, { kind: 'rank' }>, values: readonly string[]): Promise<void> {
    const spec = scope.campaign.categories[id.category];
    if (!spec) return this.answers.answerRefusal(interaction, scope, 'category.unknown', { category: String(id.category) });
    const ranked = extendRanking(id.ranked, values);
    const listed = await this.run(scope, { type: 'shortlist.list', campaignId: scope.campaign.id, categoryId: spec.id });
    const items: ListedProposal[] = listed.ok && listed.type === 'shortlist.list' ? listed.proposals.map((p) => ({ id: p.id, text: p.text })) : [];
    const maxRanks = spec.vote.method === 'ranked' ? spec.vote.maxRanks : undefined;
    const rows = rankRows({ campaign: id.campaign, category: id.category }, items, ranked, scope.locale, maxRanks);
    const more = rows.some((row) => row.components.some((c) => c.type === 3));
    if (!more) return this.vote(interaction, scope, id.category, ranked);
    await this.answers.answer(interaction, t(scope.locale, 'discord.ballot.ranked-so-far', { ranking: choiceLabel({ method: 'ranked', allowChange: false }, ranked) }), rows);
  }
}

/** The widest proposal bounds of a campaign (the engine applies the category's own). */
function editBounds(campaign: CampaignSpec): { min: number; max: number } {
  const categories = campaign.categories.filter((c) => !c.options);
  return {
    min: Math.min(...categories.map((c) => c.proposals.minLength), 4000),
    max: Math.max(...categories.map((c) => c.proposals.maxLength), 1),
  };
}

function fieldText(interaction: ModalSubmitInteraction, customId: string): string {
  try {
    return interaction.fields.getTextInputValue(customId) ?? '';
  } catch {
    return '';
  }
}

function fieldValues(interaction: ModalSubmitInteraction, customId: string): readonly string[] {
  try {
    return interaction.fields.getStringSelectValues(customId) ?? [];
  } catch {
    return [];
  }
}
