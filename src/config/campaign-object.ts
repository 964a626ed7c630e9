/**
 * A campaign given as an object rather than a file (the API's `campaigns`, a definition read
 * back from the store): validated exactly as a file is, its problems listed as `path: message`
 * — the lines `cocreate validate` prints, without `FILE:LINE:COL` (an object has no lines).
 */
import type { CampaignSpec } from '../model/campaign';
import type { Issue } from './issues';
import { resolveCampaign } from './resolve';
import type { CampaignFile } from './schema';
import { validateCampaign } from './validate';

/** One problem of a campaign object. */
export interface ObjectProblem {
  /** Dotted path of the key, such as `categories.2.schedule.vote.duration`; empty for the whole object. */
  readonly path: string;
  readonly message: string;
}

export type ObjectValidation =
  | { readonly ok: true; readonly spec: CampaignSpec; readonly file: CampaignFile }
  | { readonly ok: false; readonly problems: readonly ObjectProblem[] };

/** Validates any value as a campaign file and resolves it; every problem at once, never a throw. */
export function validateCampaignObject(raw: unknown): ObjectValidation {
  const validation = validateCampaign(raw);
  if (!validation.ok) return { ok: false, problems: validation.issues.map(toObjectProblem) };
  return { ok: true, spec: resolveCampaign(validation.file), file: validation.file };
}

function toObjectProblem(issue: Issue): ObjectProblem {
  return { path: issue.path.join('.'), message: issue.message };
}

/** `path.to.key: message`, the path being `(root)` for the whole object (as `formatProblem` without the file). */
export function formatObjectProblem(problem: ObjectProblem): string {
  return `${problem.path === '' ? '(root)' : problem.path}: ${problem.message}`;
}
