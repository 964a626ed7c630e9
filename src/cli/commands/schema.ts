/** `cocreate schema`: the JSON Schema of campaign files, for editors. */
import { campaignJsonSchemaText } from '../../config/json-schema';
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { USAGES } from '../usage';

/** Prints the schema (the same text as the package's schema/campaign.schema.json). */
export async function schemaCommand(rest: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs(rest, {}, USAGES.schema);
  if (positionals.length > 0) throw new CliError(`schema takes no argument\n\n${USAGES.schema}`, 2);
  process.stdout.write(campaignJsonSchemaText());
  return 0;
}
