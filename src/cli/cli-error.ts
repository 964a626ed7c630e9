/** An expected failure of a command: printed as one clean line (`cocreate: …`), never a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/**
 * Whether `error` is a CliError. By name, not `instanceof`: the published binary bundles the
 * quick commands (scripts/build.cjs) while the others load from dist/, each with its own copy
 * of the class.
 */
export function isCliError(error: unknown): error is CliError {
  return error instanceof Error && error.name === 'CliError' && typeof (error as { exitCode?: unknown }).exitCode === 'number';
}
