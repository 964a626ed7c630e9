/**
 * The door of the engine during a graceful shutdown: once closed, every command is answered
 * `bot.restarting` (a localized "restarting, try again"), never silence; commands already
 * inside finish, and `close()` resolves when they have.
 */
import { refuse } from '../model/refusals';
import type { Actor } from '../model/campaign';
import type { Command, CommandResult } from '../engine/commands';
import type { CommandRunner } from '../chat/runner';

export class CommandGate implements CommandRunner {
  private closed = false;
  private inside = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly runner: CommandRunner) {}

  async execute(command: Command, actor: Actor): Promise<CommandResult> {
    if (this.closed) return refuse('bot.restarting');
    this.inside += 1;
    try {
      return await this.runner.execute(command, actor);
    } finally {
      this.inside -= 1;
      if (this.inside === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Whether commands are still taken. */
  get open(): boolean {
    return !this.closed;
  }

  /** Stops taking commands; resolves once the commands already inside have been answered. */
  close(): Promise<void> {
    this.closed = true;
    if (this.inside === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
