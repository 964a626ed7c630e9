/**
 * The slash commands, as the JSON `cocreate discord register-commands` sends to Discord
 * (`PUT /applications/{app}/commands`, or a guild's), derived from the chat catalogue: every
 * entry with a Discord form is a command, or a subcommand of its parent. Names and
 * descriptions are localized: English by default, French for French clients; descriptions
 * come from the message catalog (`discord.cmd.*`, `discord.opt.*`). Also the way back: which
 * catalogue entry an incoming command is.
 */
import {
  ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType,
  type APIApplicationCommandBasicOption, type APIApplicationCommandOption, type LocalizationMap,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { CATALOGUE, SLASH_NAMES_FR, type ChatCommand, type SlashName } from '../../src/chat/catalogue';
import { OPTIONS, parseSlot, type OptionName, type Slot } from '../../src/chat/options';
import { CATALOGS, type MessageKey } from '../../src/i18n/messages';
import type { Locale } from '../../src/model/campaign';

/** A message without placeholders, by a key built from catalogue names (`discord.cmd.<command>[.<subcommand>]`, `discord.opt.<option>`). */
function text(locale: Locale, key: string): string {
  const found = CATALOGS[locale][key as MessageKey] as string | undefined;
  if (found === undefined) throw new Error(`the message catalog has no "${key}"`);
  return found;
}

function described(key: string): { description: string; description_localizations: LocalizationMap } {
  const en = text('en', key);
  return { description: en, description_localizations: { fr: text('fr', key), 'en-US': en, 'en-GB': en } };
}

function named(en: string, fr: string): { name: string; name_localizations: LocalizationMap } {
  return { name: en, name_localizations: { fr, 'en-US': en, 'en-GB': en } };
}

function option(slot: Slot): APIApplicationCommandBasicOption {
  const { option: name, optional } = parseSlot(slot);
  const slash = OPTIONS[name].slash;
  if (!slash) throw new Error(`option ${name} has no slash form`);
  const base = { type: ApplicationCommandOptionType.String, ...named(name, slash.fr), ...described(`discord.opt.${name}`), required: !optional } as const;
  if (slash.choice) {
    const { value, label } = slash.choice;
    return { ...base, choices: [{ name: text('en', label), name_localizations: { fr: text('fr', label) }, value }] };
  }
  return { ...base, ...(slash.autocomplete ? { autocomplete: true } : {}), ...(slash.maxLength === undefined ? {} : { max_length: slash.maxLength }) } as APIApplicationCommandBasicOption;
}

/** Discord wants the required options first. */
function options(slots: readonly Slot[]): APIApplicationCommandBasicOption[] {
  const all = slots.map(option);
  return [...all.filter((o) => o.required), ...all.filter((o) => !o.required)];
}

/** Every slash command of the bot, ready for `PUT …/commands`. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const commands = new Map<SlashName, RESTPostAPIChatInputApplicationCommandsJSONBody & { options: APIApplicationCommandOption[] }>();
  for (const entry of CATALOGUE) {
    const form = entry.discord;
    if (!form) continue;
    let command = commands.get(form.command);
    if (!command) {
      command = {
        type: ApplicationCommandType.ChatInput, ...named(form.command, SLASH_NAMES_FR[form.command]), ...described(`discord.cmd.${form.command}`),
        options: form.subcommand === undefined ? options(form.options) : [],
        contexts: [InteractionContextType.Guild],
      };
      commands.set(form.command, command);
    }
    if (form.subcommand !== undefined) {
      command.options.push({
        type: ApplicationCommandOptionType.Subcommand, ...named(form.subcommand, SLASH_NAMES_FR[form.subcommand]),
        ...described(`discord.cmd.${form.command}.${form.subcommand}`), options: options(form.options),
      });
    }
  }
  return [...commands.values()];
}

const ROUTES: ReadonlyMap<string, ChatCommand> = new Map(
  CATALOGUE.flatMap((entry) => (entry.discord ? [[slashKey(entry.discord.command, entry.discord.subcommand ?? null), entry] as const] : [])),
);

function slashKey(command: string, subcommand: string | null): string {
  return subcommand === null ? command : `${command} ${subcommand}`;
}

/** The catalogue entry of an incoming slash command (its English names), or undefined. */
export function slashCommand(command: string, subcommand: string | null): ChatCommand | undefined {
  return ROUTES.get(slashKey(command, subcommand));
}

/** The options an entry takes on Discord, by name (what an interaction's options are read as). */
export function slashOptions(entry: ChatCommand): readonly OptionName[] {
  return (entry.discord?.options ?? []).map((slot) => parseSlot(slot).option);
}
