/**
 * The options chat commands take, declared once: how a typed line reads each one, the bounds
 * and patterns a typed word must fit, and how a platform that names options (Discord) shows
 * them. A catalogue entry (catalogue.ts) lists the options it takes in each of its forms.
 */
import type { MessageKey } from '../i18n/messages';

/** The options a chat command can take. */
export type OptionName =
  | 'campaign' | 'category' | 'proposal' | 'choice' | 'duration' | 'fan' | 'reason' | 'text'
  | 'confirm' | 'mine' | 'name' | 'role' | 'word';

/**
 * How an option is read from a typed line: one `word`; the `rest` of the line (outer quotes
 * removed); a `list` of proposal ids (spaces or commas); a `flag`, a literal word (the option's
 * own name) anywhere on the line; a `fan`, read by the platform (an id, a mention, a reply).
 */
export type OptionReading = 'word' | 'rest' | 'list' | 'flag' | 'fan';

export interface OptionSpec {
  readonly reading: OptionReading;
  /** A typed word must match it (after `fold`), else the line is refused with its usage. */
  readonly pattern?: RegExp;
  /** The word is upper-cased (`pt2h` → `PT2H`) or lower-cased before `pattern` is checked. */
  readonly fold?: 'upper' | 'lower';
  /** A proposal id as typed: `#12` is `12`. */
  readonly proposalId?: true;
  /** Where a platform shows options by name (Discord): the French name, the bounds, and the help it offers. */
  readonly slash?: {
    readonly fr: string;
    readonly maxLength?: number;
    readonly autocomplete?: true;
    /** A single choice to pick (a deliberate confirmation), labelled by this message. */
    readonly choice?: { readonly value: string; readonly label: MessageKey };
  };
}

/** An ISO 8601 duration as typed (`PT2H`, `P1D`); the engine checks it further. */
const DURATION = /^P[0-9A-Z.,]+$/;

export const OPTIONS: { readonly [O in OptionName]: OptionSpec } = {
  campaign: { reading: 'word', slash: { fr: 'campagne', maxLength: 100, autocomplete: true } },
  category: { reading: 'word', slash: { fr: 'categorie', maxLength: 100, autocomplete: true } },
  proposal: { reading: 'word', proposalId: true, slash: { fr: 'idee', maxLength: 32, autocomplete: true } },
  choice: { reading: 'list' },
  duration: { reading: 'word', fold: 'upper', pattern: DURATION, slash: { fr: 'duree', maxLength: 40 } },
  fan: { reading: 'fan', slash: { fr: 'fan', maxLength: 100 } },
  reason: { reading: 'rest', slash: { fr: 'raison', maxLength: 280 } },
  // A proposal's text; its bounds are its category's (the engine applies them, a form shows them).
  text: { reading: 'rest' },
  confirm: { reading: 'flag', slash: { fr: 'confirmer', choice: { value: 'yes', label: 'discord.choice.confirm' } } },
  mine: { reading: 'flag' },
  name: { reading: 'word', pattern: /^[\p{L}\p{N}_.-]{1,32}$/u },
  role: { reading: 'word', fold: 'lower', pattern: /^(fan|curator|manager)$/ },
  word: { reading: 'word' },
};

/** An option where a command takes it: `category` (required), `category?` (optional), `proposal+` (one or more, the command runs once per value). */
export type Slot = OptionName | `${OptionName}?` | `${OptionName}+`;

/** What the options of one use of a command hold. */
export interface ChatArgs {
  readonly campaign?: string;
  readonly category?: string;
  readonly proposal?: string;
  readonly choice?: readonly string[];
  readonly duration?: string;
  readonly fan?: string;
  readonly reason?: string;
  readonly text?: string;
  readonly confirm?: boolean;
  readonly mine?: boolean;
  readonly name?: string;
  readonly role?: string;
  readonly word?: string;
}

export interface ParsedSlot {
  readonly option: OptionName;
  readonly optional: boolean;
  /** `+`: one or more values, one command each. */
  readonly repeated: boolean;
}

/** `category?` → `{ option: 'category', optional: true }`. */
export function parseSlot(slot: Slot): ParsedSlot {
  const mark = slot.at(-1);
  const option = (mark === '?' || mark === '+' ? slot.slice(0, -1) : slot) as OptionName;
  return { option, optional: mark === '?', repeated: mark === '+' };
}
