/** Parsing a subcommand's arguments: strict, and a mistake answers the subcommand's own usage. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error';

export type ArgOptions = NonNullable<ParseArgsConfig['options']>;

/** What `parseCommandArgs` answers: the options' values and the positionals. */
export type ParsedCommandArgs<O extends ArgOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/**
 * The subcommand's options and positionals; an unknown option or a missing value throws a
 * CliError (exit 2) that ends with `usage`.
 */
export function parseCommandArgs<const O extends ArgOptions>(rest: readonly string[], options: O, usage: string): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`, 2);
  }
}
