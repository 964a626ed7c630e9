/**
 * Autocomplete of the slash commands' options: campaigns, categories (those taking ideas, for
 * /propose) and ideas still in play, matched against what the member typed, at most 25.
 */
import type { AutocompleteInteraction } from 'discord.js';
import type { Answers } from './answers';
import { truncate } from './components';
import { slashCommand } from './definitions';

export async function autocomplete(answers: Answers, interaction: AutocompleteInteraction): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const query = String(focused.value).toLowerCase();
  const matches = (...texts: string[]) => query === '' || texts.some((text) => text.toLowerCase().includes(query));
  let choices: { name: string; value: string }[] = [];
  if (focused.name === 'campaign') {
    choices = answers.services.directory.campaigns.filter((c) => matches(c.id, c.title)).map((c) => ({ name: truncate(c.title, 100), value: c.id }));
  } else {
    const scope = answers.scope(interaction, answers.campaignFor(interaction, interaction.options.getString('campaign')));
    if (scope && focused.name === 'category') {
      const forIdeas = slashCommand(interaction.commandName, null)?.renders === 'propose';
      choices = scope.campaign.categories
        .filter((c) => !(forIdeas && c.options) && matches(c.id, c.title))
        .map((c) => ({ name: truncate(c.title, 100), value: c.id }));
    } else if (scope && focused.name === 'proposal') {
      const result = await answers.run(scope, { type: 'proposals' });
      if (result.ok && result.type === 'proposals') {
        choices = result.proposals
          .filter((p) => (p.status === 'active' || p.status === 'review') && matches(p.id, `#${p.id}`, p.text))
          .map((p) => ({ name: truncate(`#${p.id} · ${p.text}`, 100), value: p.id }));
      }
    }
  }
  await interaction.respond(choices.slice(0, 25));
}
