/** `cocreate validate FILE…`: loads only the campaign schema and the YAML parser, to answer at once. */
import { formatProblem, loadCampaignFile } from '../../config/loader';
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { pastCampaignWarning } from '../past-campaigns';
import { USAGES } from '../usage';

/** Prints `ok FILE` per valid file, else one `FILE:LINE:COL path: message` line per problem; the exit code. */
export async function validateCommand(rest: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs(rest, {}, USAGES.validate);
  if (positionals.length === 0) throw new CliError(`validate needs at least one FILE\n\n${USAGES.validate}`, 2);
  let failed = false;
  for (const file of positionals) {
    const loaded = loadCampaignFile(file);
    if (loaded.ok) {
      process.stdout.write(`ok ${file}\n`);
      const past = pastCampaignWarning(file, loaded.spec, Date.now());
      if (past) process.stdout.write(`${past}\n`);
    } else {
      failed = true;
      for (const problem of loaded.problems) process.stdout.write(`${formatProblem(problem)}\n`);
    }
  }
  return failed ? 1 : 0;
}
