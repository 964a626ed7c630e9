/** `cocreate audit ID [--json] [--file FILE]`: every manager and curator action. */
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { auditLine } from '../manifest-io';
import { openSaved } from '../stored-campaign';
import { USAGES } from '../usage';

/** Prints the audit log, one line per action (or JSON). */
export async function auditCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { json: { type: 'boolean' }, file: { type: 'string' } }, USAGES.audit);
  const [id] = positionals;
  if (!id) throw new CliError(`audit needs a campaign ID\n\n${USAGES.audit}`, 2);
  const { runtime, spec } = await openSaved(id, values.file);
  const entries = await runtime.engine.auditLog(spec.id);
  await runtime.close();
  if (values.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else process.stdout.write(entries.length === 0 ? `${spec.id}: no action recorded\n` : `${entries.map(auditLine).join('\n')}\n`);
  return 0;
}
