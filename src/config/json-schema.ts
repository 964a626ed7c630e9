/**
 * The JSON Schema of campaign files, generated from the zod schema (schema.ts) with zod's own
 * `z.toJSONSchema`, so that editors (the YAML language server, VS Code, JetBrains) complete keys
 * and underline mistakes as `cocreate validate` would. Shipped as schema/campaign.schema.json
 * (`npm run schema` writes it; a test checks it is current) and printed by `cocreate schema`.
 *
 * It checks each value on its own, as the zod schema does. The checks zod runs as code are given
 * here in JSON Schema words, recognised by the `title` schema.ts gives each kind of value (the
 * campaign-file reference names them the same way). It says less than `validate`, never more:
 * an editor must not underline a valid file. Left to `validate`: the rules that tie keys together
 * (phase order, sizes against winners, minLength against maxLength), options equal but for case
 * and accents, reminders equal but for their unit (P1D, PT24H), and impossible dates (30 February).
 */
import { z } from 'zod';
import { campaignFileSchema, categorySchema, remindersSchema, revealSchema } from './schema';

/** Where the published package keeps the schema, from its root (package.json `exports`). */
export const CAMPAIGN_SCHEMA_PATH = 'schema/campaign.schema.json';

/**
 * What parseInstant accepts (iso.ts): date, `T`, hours and minutes, then what Luxon reads of
 * seconds and fractions, then the offset. JSON Schema's `date-time` would refuse `09:00+01:00`.
 * The date is within the bounds of src/model/time-bounds.ts: the years 2000 to 2099 as written,
 * and the day on each side that some offset turns into one of them (the exact edge depends on the
 * offset, which a pattern cannot weigh: zod judges those two days).
 */
const INSTANT = '^(?:1999-12-31|20\\d{2}-\\d{2}-\\d{2}|2100-01-01)T\\d{2}:\\d{2}(?::?\\d{2}(?:[.,]\\d{1,30})?)?(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)$';
/** What parseDuration accepts: units in ISO order as Luxon reads them, a comma only in seconds, a digit after T, some digit not zero. */
const DURATION = '^(?=.*[1-9])P(?:\\d{1,20}(?:\\.\\d{1,20})?Y)?(?:\\d{1,20}(?:\\.\\d{1,20})?M)?(?:\\d{1,20}(?:\\.\\d{1,20})?W)?(?:\\d{1,20}(?:\\.\\d{1,20})?D)?'
  + '(?:T(?=\\d)(?:\\d{1,20}(?:\\.\\d{1,20})?H)?(?:\\d{1,20}(?:\\.\\d{1,20})?M)?(?:\\d{1,20}(?:[.,]\\d{1,20})?S)?)?$';

/** Editor rules by the title schema.ts gives a kind of string. */
const STRING_RULES: Readonly<Record<string, { readonly pattern: string }>> = {
  instant: { pattern: INSTANT },
  duration: { pattern: DURATION },
  // Not blank, as trim() sees it: \s is the same set of white space.
  text: { pattern: '\\S' },
};

const optionsSchema: unknown = (categorySchema.shape.options as z.ZodOptional<z.ZodType>).unwrap();

/** The JSON Schema (draft 2020-12) of what an author may write in a campaign file. */
export function campaignJsonSchema(): Record<string, unknown> {
  // io 'input': keys with a default may be left out; the file is what authors write.
  const generated = z.toJSONSchema(campaignFileSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const rule = typeof jsonSchema.title === 'string' && jsonSchema.type === 'string' ? STRING_RULES[jsonSchema.title] : undefined;
      if (rule) {
        delete jsonSchema.format; // the pattern says exactly what `validate` reads
        jsonSchema.pattern = rule.pattern;
      }
      if (zodSchema === revealSchema) {
        // A seed only with `tieBreak: seeded` (whose default is `earliest`).
        jsonSchema.if = { properties: { seed: {} }, required: ['seed'] };
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
        jsonSchema.then = { properties: { tieBreak: { const: 'seeded' } }, required: ['tieBreak'] };
      }
      // The same text (or reminder) twice; `validate` also compares case and accents (units).
      if (zodSchema === optionsSchema || zodSchema === remindersSchema) jsonSchema.uniqueItems = true;
    },
  });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'cocreate campaign file',
    description: 'A participatory campaign run by cocreate: categories fans answer, timed phases, rules and the chat channels where it lives. `cocreate validate FILE` checks it fully.',
    ...rest,
  };
}

/** The schema as the shipped file holds it: two-space JSON and a final newline. */
export function campaignJsonSchemaText(): string {
  return `${JSON.stringify(campaignJsonSchema(), null, 2)}\n`;
}
