/**
 * `cocreate`, the one binary. It reads the subcommand and loads only that subcommand's module
 * (src/cli/commands/), so that `validate`, `schema`, `init` and `--help` answer without loading
 * discord.js, telegraf, ioredis, BullMQ or the canvas. The modules, with runtime.ts, are the
 * composition root: the only place that wires configuration, store, scheduler, outbox and
 * adapters together.
 */
import { CliError, isCliError } from './cli-error';
import { USAGE, USAGES, type CommandName } from './usage';

type Run = (rest: readonly string[]) => Promise<number>;

// One line per subcommand; `require` inside the arrow keeps each module unloaded until it runs.
const COMMANDS: Record<CommandName, () => Run> = {
  validate: () => (require('./commands/validate') as typeof import('./commands/validate')).validateCommand,
  run: () => (require('./commands/run') as typeof import('./commands/run')).runCommand,
  simulate: () => (require('./commands/simulate') as typeof import('./commands/simulate')).simulateCommand,
  results: () => (require('./commands/results') as typeof import('./commands/results')).resultsCommand,
  recount: () => (require('./commands/recount') as typeof import('./commands/recount')).recountCommand,
  verify: () => (require('./commands/verify') as typeof import('./commands/verify')).verifyCommand,
  audit: () => (require('./commands/audit') as typeof import('./commands/audit')).auditCommand,
  discord: () => (rest) => (require('./start-discord') as typeof import('./start-discord')).discordCommand(rest),
  fan: () => (require('./commands/fan') as typeof import('./commands/fan')).fanCommand,
  rehearse: () => (require('./commands/rehearse') as typeof import('./commands/rehearse')).rehearseCommand,
  schema: () => (require('./commands/schema') as typeof import('./commands/schema')).schemaCommand,
  init: () => (require('./commands/init') as typeof import('./commands/init')).initCommand,
};

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Whether the arguments ask for help (before a `--`, which ends the options). */
function asksHelp(rest: readonly string[]): boolean {
  const end = rest.indexOf('--');
  return (end === -1 ? rest : rest.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Runs one subcommand and resolves with the exit code; expected failures reject with a CliError. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const about = command === 'help' ? rest[0] : undefined;
    if (about !== undefined && isCommand(about)) process.stdout.write(USAGES[about]);
    else process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!isCommand(command)) throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  if (asksHelp(rest)) {
    process.stdout.write(USAGES[command]);
    return 0;
  }
  return COMMANDS[command]()(rest);
}

/** Runs the command line and sets the exit code; expected failures print one clean line. */
export function cli(argv: readonly string[]): void {
  main(argv).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      if (isCliError(error)) {
        process.stderr.write(`cocreate: ${error.message}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(`cocreate: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        process.exitCode = 70;
      }
    },
  );
}
