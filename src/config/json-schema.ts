/**
 * The JSON Schema of campaign files, generated from the zod schema (schema.ts) with zod's own
 * `z.toJSONSchema`, so that editors (the YAML language server, VS Code, JetBrains) complete keys
 * and underline mistakes as `cocreate validate` would. Shipped as schema/campaign.schema.json
 * (`npm run schema` writes it; a test checks it is current) and printed by `cocreate schema`.
 *
 * It checks each value on its own, as the zod schema does, with the checks that zod runs as
 * code given in JSON Schema words beside them (schema.ts, `StringRule`). It says less than
 * `validate`, never more: the rules that tie keys together (phase order, sizes against winners,
 * minLength against maxLength), options equal but for case and accents, and impossible dates
 * (30 February) are left to `validate`.
 */
import { z } from 'zod';
import { campaignFileSchema } from './schema';

/** Where the published package keeps the schema, from its root (package.json `exports`). */
export const CAMPAIGN_SCHEMA_PATH = 'schema/campaign.schema.json';

/** The JSON Schema (draft 2020-12) of what an author may write in a campaign file. */
export function campaignJsonSchema(): Record<string, unknown> {
  // io 'input': keys with a default may be left out; the file is what authors write.
  const generated = z.toJSONSchema(campaignFileSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
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
