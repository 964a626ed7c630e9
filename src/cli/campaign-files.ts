/** Campaign files and the environment as the subcommands read them: every problem at once. */
import { formatProblem, loadCampaignFile } from '../config/loader';
import { loadEnv } from '../config/env';
import type { CampaignFile } from '../config/schema';
import type { CampaignSpec } from '../model/campaign';
import { CliError } from './cli-error';

/** A campaign read from a file: the engine's spec and the validated file (what the store keeps). */
export interface LoadedCampaign {
  readonly spec: CampaignSpec;
  readonly file: CampaignFile;
}

/** Loads campaign files; every problem of every file is printed before giving up. */
export function loadCampaigns(files: readonly string[]): LoadedCampaign[] {
  const loaded: LoadedCampaign[] = [];
  const problems: string[] = [];
  for (const path of files) {
    const result = loadCampaignFile(path);
    if (result.ok) loaded.push({ spec: result.spec, file: result.file });
    else problems.push(...result.problems.map(formatProblem));
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'));
  const ids = loaded.map((c) => c.spec.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new CliError(`two campaign files declare the id "${twice}"`);
  return loaded;
}

/** The environment, validated; every problem at once. */
export function environment() {
  const env = loadEnv(process.env);
  if (!env.ok) throw new CliError(`the environment has problems:\n${env.problems.join('\n')}`);
  return env;
}

export type RunEnv = ReturnType<typeof environment>;
