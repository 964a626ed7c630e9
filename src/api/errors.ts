/** What the API throws at the host's code: a typed code and a message a developer can act on. */

/** One problem of one campaign given to `createCocreate`. */
export interface CampaignProblem {
  /** Which entry of `campaigns` it comes from (0-based). */
  readonly campaign: number;
  /** The file, when the entry was a path. */
  readonly file?: string;
  /** 1-based line and column in the file, when the entry was a path. */
  readonly line?: number;
  readonly col?: number;
  /** Dotted path of the key, such as `categories.0.id`; empty for the whole campaign. */
  readonly path: string;
  readonly message: string;
}

/** Why the API refused: each code names one mistake of the host's code or configuration. */
export type CocreateErrorCode =
  /** A campaign failed validation (`problems` lists every problem), or two campaigns share an id. */
  | 'campaign.invalid'
  /** The store could not be reached when the runtime was created. */
  | 'store.unreachable'
  /** A platform of that name is already attached to this runtime. */
  | 'platform.already-attached'
  /** A platform failed to attach (it registered nothing). */
  | 'platform.attach-failed'
  /** The runtime was used after `stop()`, or started twice. */
  | 'runtime.stopped'
  | 'runtime.already-started';

/** An error of the API: `code` says which mistake; campaign errors list their `problems`. */
export class CocreateError extends Error {
  override readonly name = 'CocreateError';

  constructor(readonly code: CocreateErrorCode, message: string, readonly problems: readonly CampaignProblem[] = [], options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A problem as `cocreate validate` prints it: `FILE:LINE:COL path: message` for a file,
 * `path: message` for an object (`(root)` for the whole campaign).
 */
export function formatCampaignProblem(problem: CampaignProblem): string {
  const path = problem.path === '' ? '(root)' : problem.path;
  return problem.file === undefined ? `${path}: ${problem.message}` : `${problem.file}:${problem.line ?? 1}:${problem.col ?? 1} ${path}: ${problem.message}`;
}
