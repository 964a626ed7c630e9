/**
 * The slash commands, as the JSON `cocreate discord register-commands` sends to Discord
 * (`PUT /applications/{app}/commands`, or a guild's). Names and descriptions are localized:
 * English by default, French for French clients; descriptions come from the message catalog.
 */
import {
  ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType,
  type APIApplicationCommandOption, type APIApplicationCommandBasicOption, type LocalizationMap,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { t, type MessageKey } from '../../src/i18n/messages';

/** The command and option names, English first; French names for French clients. */
export const COMMAND_NAMES = {
  propose: 'proposer',
  proposals: 'mes-idees',
  status: 'statut',
  shortlist: 'preselection',
  campaign: 'campagne',
  mydata: 'mes-donnees',
  forgetme: 'oublie-moi',
  moderate: 'moderer',
  receipt: 'recu',
} as const;

export type CommandName = keyof typeof COMMAND_NAMES;

export const SUBCOMMAND_NAMES = {
  add: 'ajouter', remove: 'retirer', list: 'voir', review: 'examiner',
  advance: 'avancer', pause: 'pause', resume: 'reprendre', extend: 'prolonger', reveal: 'reveler', export: 'exporter',
  ban: 'bannir', unban: 'debannir', bans: 'bannis', 'fan-export': 'export-fan', 'fan-erase': 'effacer-fan',
} as const;

export type SubcommandName = keyof typeof SUBCOMMAND_NAMES;

export const OPTION_NAMES = {
  campaign: 'campagne', category: 'categorie', proposal: 'idee', duration: 'duree', confirm: 'confirmer', fan: 'fan', reason: 'raison',
} as const;

type DescriptionKey = Extract<MessageKey, `discord.cmd.${string}` | `discord.opt.${string}`>;

function described(key: DescriptionKey): { description: string; description_localizations: LocalizationMap } {
  const en = t('en', key);
  return { description: en, description_localizations: { fr: t('fr', key), 'en-US': en, 'en-GB': en } };
}

function named(en: string, fr: string): { name: string; name_localizations: LocalizationMap } {
  return { name: en, name_localizations: { fr, 'en-US': en, 'en-GB': en } };
}

function campaignOption(): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, ...named('campaign', OPTION_NAMES.campaign), ...described('discord.opt.campaign'), required: false, autocomplete: true, max_length: 100 };
}

function categoryOption(required: boolean): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, ...named('category', OPTION_NAMES.category), ...described('discord.opt.category'), required, autocomplete: true, max_length: 100 };
}

function proposalOption(): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, ...named('proposal', OPTION_NAMES.proposal), ...described('discord.opt.proposal'), required: true, autocomplete: true, max_length: 32 };
}

function durationOption(): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, ...named('duration', OPTION_NAMES.duration), ...described('discord.opt.duration'), required: true, max_length: 40 };
}

/** A fan: a Discord user id or mention, or `platform:id` (issue 7). */
function fanOption(): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, ...named('fan', OPTION_NAMES.fan), ...described('discord.opt.fan'), required: true, max_length: 100 };
}

function reasonOption(): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, ...named('reason', OPTION_NAMES.reason), ...described('discord.opt.reason'), required: false, max_length: 280 };
}

/** /forgetme's confirmation: one choice, so erasing always takes a deliberate pick. */
function confirmOption(): APIApplicationCommandBasicOption {
  return {
    type: ApplicationCommandOptionType.String, ...named('confirm', OPTION_NAMES.confirm), ...described('discord.opt.confirm'), required: false,
    choices: [{ name: t('en', 'discord.choice.confirm'), name_localizations: { fr: t('fr', 'discord.choice.confirm') }, value: 'yes' }],
  };
}

function subcommand(name: SubcommandName, key: DescriptionKey, options: APIApplicationCommandBasicOption[]): APIApplicationCommandOption {
  // Required options must come first.
  const sorted = [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
  return { type: ApplicationCommandOptionType.Subcommand, ...named(name, SUBCOMMAND_NAMES[name]), ...described(key), options: sorted };
}

function command(name: CommandName, options: APIApplicationCommandOption[]): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput, ...named(name, COMMAND_NAMES[name]), ...described(`discord.cmd.${name}`), options,
    contexts: [InteractionContextType.Guild],
  };
}

/** Every slash command of the bot, ready for `PUT …/commands`. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    command('propose', [categoryOption(false), campaignOption()]),
    command('proposals', [campaignOption()]),
    command('status', [campaignOption()]),
    command('shortlist', [
      subcommand('add', 'discord.cmd.shortlist.add', [proposalOption(), campaignOption()]),
      subcommand('remove', 'discord.cmd.shortlist.remove', [proposalOption(), campaignOption()]),
      subcommand('list', 'discord.cmd.shortlist.list', [categoryOption(true), campaignOption()]),
      subcommand('review', 'discord.cmd.shortlist.review', [categoryOption(true), campaignOption()]),
    ]),
    command('campaign', [
      subcommand('advance', 'discord.cmd.campaign.advance', [categoryOption(false), campaignOption()]),
      subcommand('pause', 'discord.cmd.campaign.pause', [categoryOption(false), campaignOption()]),
      subcommand('resume', 'discord.cmd.campaign.resume', [categoryOption(false), campaignOption()]),
      subcommand('extend', 'discord.cmd.campaign.extend', [durationOption(), categoryOption(false), campaignOption()]),
      subcommand('reveal', 'discord.cmd.campaign.reveal', [categoryOption(false), campaignOption()]),
      subcommand('export', 'discord.cmd.campaign.export', [campaignOption()]),
      subcommand('fan-export', 'discord.cmd.campaign.fan-export', [fanOption(), campaignOption()]),
      subcommand('fan-erase', 'discord.cmd.campaign.fan-erase', [fanOption(), campaignOption()]),
    ]),
    command('mydata', [campaignOption()]),
    command('forgetme', [confirmOption(), campaignOption()]),
    command('moderate', [
      subcommand('ban', 'discord.cmd.moderate.ban', [fanOption(), reasonOption(), campaignOption()]),
      subcommand('unban', 'discord.cmd.moderate.unban', [fanOption(), campaignOption()]),
      subcommand('bans', 'discord.cmd.moderate.bans', [campaignOption()]),
    ]),
    command('receipt', [categoryOption(false), campaignOption()]),
  ];
}
