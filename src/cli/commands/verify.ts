/** `cocreate verify MANIFEST [--file FILE]`: a results manifest checked against the store. */
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { readManifest } from '../manifest-io';
import { openSaved } from '../stored-campaign';
import { USAGES } from '../usage';

/** One line per category (`ok` or `DIFFERS: …`); exit 1 when anything differs. */
export async function verifyCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { file: { type: 'string' } }, USAGES.verify);
  const [file] = positionals;
  if (!file) throw new CliError(`verify needs a MANIFEST file (see: cocreate results ID --format manifest)\n\n${USAGES.verify}`, 2);
  const read = await readManifest(file);
  if (!read.ok) throw new CliError(read.message);
  const { runtime, spec } = await openSaved(read.manifest.campaign, values.file);
  const report = await runtime.engine.verifyManifest(read.manifest);
  await runtime.close();
  if (report.categories.length === 0) process.stdout.write(`${spec.id}: the manifest lists no revealed category\n`);
  for (const c of report.categories) {
    process.stdout.write(`${c.id}: ${c.ballots} ballots, ${c.problems.length === 0 ? 'ok' : `DIFFERS: ${c.problems.join('; ')}`}\n`);
  }
  return report.ok ? 0 : 1;
}
