/**
 * Every Discord interaction, whatever brought it (the gateway today; an HTTP interactions
 * endpoint could hand its interactions to `handle` the same way): one error boundary, the
 * interactions too late to answer skipped and counted, and the handler of each kind. Nothing
 * here decides a permission: the member's role ids go into the actor and the engine decides.
 */
import { DiscordAPIError, type Interaction } from 'discord.js';
import { describeError } from '../../src/chat/delivery';
import { Answers, type DiscordServices } from './answers';
import { autocomplete } from './autocomplete';
import { Presses } from './presses';
import { InteractionExpired, InteractionLateness, TOO_LATE_MS } from './reply';
import { SlashCommands } from './slash-commands';

const UNKNOWN_INTERACTION = 10062;

export class DiscordInteractions {
  private readonly answers: Answers;
  private readonly commands: SlashCommands;
  private readonly presses: Presses;
  private readonly lateness = new InteractionLateness();
  /** Interactions answered too late since the last log line about them. */
  private expired = { count: 0, loggedAt: 0 };

  constructor(private readonly services: DiscordServices) {
    this.answers = new Answers(services);
    this.commands = new SlashCommands(this.answers);
    this.presses = new Presses(this.answers);
  }

  /** Answers one interaction; never rejects (failures are logged and the member told to try again). */
  async handle(interaction: Interaction): Promise<void> {
    const now = Date.now();
    const late = this.lateness.of(interaction.createdTimestamp, now);
    if (late > TOO_LATE_MS) return this.tooLate();
    this.answers.createdAt.set(interaction, now - late);
    try {
      if (interaction.isAutocomplete()) await autocomplete(this.answers, interaction);
      else if (interaction.isChatInputCommand()) await this.commands.handle(interaction);
      else if (interaction.isButton() || interaction.isStringSelectMenu()) await this.presses.onComponent(interaction);
      else if (interaction.isModalSubmit()) await this.presses.onModal(interaction);
    } catch (error) {
      // Discord no longer takes an answer: telling the member would fail the same way.
      if (error instanceof InteractionExpired || (error instanceof DiscordAPIError && error.code === UNKNOWN_INTERACTION)) return this.tooLate();
      this.log(`discord: interaction ${interaction.id} (${describeInteraction(interaction)}) failed: ${describeError(error)}`);
      await this.answers.answerFailure(interaction).catch((again: unknown) => this.log(`discord: could not tell the member: ${describeError(again)}`));
    }
  }

  /**
   * An interaction Discord no longer takes an answer for (it reached the bot, or its answer was
   * ready, too late): counted, one log line a second at most. The member's client shows that it
   * failed; a ballot the engine recorded meanwhile stays recorded, and pressing again says so.
   */
  private tooLate(): void {
    this.expired.count += 1;
    const now = Date.now();
    if (now - this.expired.loggedAt < 1_000) return;
    this.log(`discord: failed to answer ${this.expired.count} interaction(s) within Discord's 3 s (too late; is the bot overloaded?)`);
    this.expired = { count: 0, loggedAt: now };
  }

  private log(line: string): void {
    try {
      this.services.log(line);
    } catch {
      // a broken log must not break the bot
    }
  }
}

function describeInteraction(interaction: Interaction): string {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) return `/${interaction.commandName}`;
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return interaction.customId.slice(0, 100);
  return `type ${interaction.type}`;
}
