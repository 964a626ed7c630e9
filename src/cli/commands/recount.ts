/** `cocreate recount ID [--file FILE]`: every tally recomputed from the raw ballots. */
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { openSaved } from '../stored-campaign';
import { USAGES } from '../usage';

/** One line per category; exit 1 when any tally differs from its recount. */
export async function recountCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { file: { type: 'string' } }, USAGES.recount);
  const [id] = positionals;
  if (!id) throw new CliError(`recount needs a campaign ID\n\n${USAGES.recount}`, 2);
  const { runtime, spec } = await openSaved(id, values.file);
  const report = await runtime.engine.recount(spec.id);
  await runtime.close();
  for (const c of report.categories) {
    const verdict = c.differences.length === 0 ? 'ok' : `DIFFERS: ${c.differences.map((d) => `${d.option} stored ${d.stored} recounted ${d.recounted}`).join('; ')}`;
    process.stdout.write(`${c.id}: ${c.ballots} ballots, ${verdict}\n`);
  }
  return report.agrees ? 0 : 1;
}
