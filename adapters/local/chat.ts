/**
 * The local terminal chat: one person plays every role (`/as alice`, `/as norman curator`)
 * and talks to the engine through its one entry point, as a chat platform would. Used by
 * `cocreate run` when no platform token is set; works on a TTY and on piped input.
 */
import * as readline from 'node:readline';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor, CampaignSpec, Locale, Role } from '../../src/model/campaign';
import type { Deliver, DeliveryTarget } from '../../src/ports/outbox';
import { t } from '../../src/i18n/messages';
import type { LocalVerb } from '../../src/chat/catalogue';
import { Announcer } from '../../src/chat/delivery';
import { CampaignDirectory } from '../../src/chat/directory';
import { exportFiles } from '../../src/chat/flows';
import { inCampaign, type CommandBody, type CommandRunner } from '../../src/chat/runner';
import { renderEvent, renderResult, toPlainText } from '../../src/render/message';
import { LOCAL_VERBS, parseLocalCommand, type LocalCommand } from './parse';

export type { CommandRunner } from '../../src/chat/runner';

export interface LocalChatOptions {
  readonly engine: CommandRunner;
  /** The loaded campaigns; the first one is current until `/campaign ID`. */
  readonly campaigns: readonly CampaignSpec[];
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** The language of everything printed; each campaign's own locale when absent. */
  readonly locale?: Locale;
  /** Where a failure is logged, as one line; standard error when absent. */
  readonly log?: (line: string) => void;
  /** Where `/export` writes its CSV and JSON files; the current directory when absent. */
  readonly exportDir?: string;
}

const ANNOUNCEMENT_MARK = '📣';
const FIRST_ACTOR = 'guest';

/** A person at the terminal: a local actor whose roles are the ones they claim. */
function localActor(name: string, role: Role): Actor {
  return { platform: 'local', userId: name, displayName: name, grantedRoles: [role] };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').trim();
}

function isTty(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return 'isTTY' in stream && stream.isTTY === true;
}

export class LocalChat {
  /** Resolves once the chat has ended: end of input, `/quit`, Ctrl-C or `close()`. */
  readonly closed: Promise<void>;

  private readonly markClosed: () => void;
  private readonly campaigns: ReadonlyMap<string, CampaignSpec>;
  private campaign: CampaignSpec | undefined;
  private actor: Actor = localActor(FIRST_ACTOR, 'fan');
  private rl: readline.Interface | undefined;
  private started = false;
  /** A prompt is shown and nothing was typed or printed after it. */
  private atPrompt = false;

  constructor(private readonly options: LocalChatOptions) {
    let markClosed = (): void => {};
    this.closed = new Promise<void>((resolve) => { markClosed = resolve; });
    this.markClosed = markClosed;
    this.campaigns = new Map(options.campaigns.map((c) => [c.id, c]));
    this.campaign = options.campaigns[0];
    const announcer = new Announcer({
      platform: 'local', directory: new CampaignDirectory(options.campaigns, options.locale),
      log: (line) => this.log(line),
      // The terminal shows no picture (`cocreate results ID --chart DIR` draws it).
      draw: () => null,
      steps: ({ event, campaign, locale }) => [async () => {
        this.announce(`${ANNOUNCEMENT_MARK} ${campaign.title}\n${toPlainText(renderEvent(event, campaign, locale))}`);
      }],
      // Printing does not fail for a reason a retry would fix.
      classify: () => ({ kind: 'retry' }),
    });
    this.deliver = announcer.deliver;
    this.targets = announcer.targets;
  }

  /**
   * The outbox's delivery function for the local platform: prints the announcement, marked
   * with 📣 and its campaign's title. Events of campaigns not loaded here are ignored.
   */
  readonly deliver: Deliver;

  /** Where a campaign's announcements go on the local platform: the terminal, if it is loaded here. */
  readonly targets: (campaignId: string) => readonly DeliveryTarget[];

  /**
   * Greets, then reads and answers one line at a time, in order, until the input ends or the
   * person quits. Never rejects; the returned promise is `closed`.
   */
  start(): Promise<void> {
    if (this.started) return this.closed;
    this.started = true;
    const rl = readline.createInterface({
      input: this.options.input,
      output: this.options.output,
      terminal: isTty(this.options.input) && isTty(this.options.output),
      crlfDelay: Infinity,
    });
    this.rl = rl;
    rl.on('SIGINT', () => rl.close());
    void this.loop(rl);
    return this.closed;
  }

  /** Stops reading; `closed` resolves once the line being answered is done. */
  close(): void {
    this.rl?.close();
  }

  private async loop(rl: readline.Interface): Promise<void> {
    try {
      this.say(this.welcome());
      this.prompt();
      let quit = false;
      for await (const line of rl) {
        quit = !(await this.handle(line));
        if (quit) break;
        this.prompt();
      }
      // End of input leaves the cursor after a prompt: end its line.
      if (!quit) this.options.output.write('\n');
    } catch (error) {
      this.log(`local chat: input failed: ${describeError(error)}`);
    } finally {
      rl.close();
      this.rl = undefined;
      this.markClosed();
    }
  }

  /** Answers one line; false when the person quits. The chat's one error boundary. */
  private async handle(line: string): Promise<boolean> {
    this.atPrompt = false;
    const parsed = parseLocalCommand(line);
    if (!parsed.ok) {
      this.say(this.usage(parsed.usage));
      return true;
    }
    try {
      return await this.perform(parsed.command);
    } catch (error) {
      this.log(`local chat: "${line.trim().slice(0, 80)}" failed: ${describeError(error)}`);
      this.say(t(this.locale(), 'store.unavailable'));
      return true;
    }
  }

  private async perform(command: LocalCommand): Promise<boolean> {
    switch (command.kind) {
      case 'engine': await this.run(command.command); return true;
      case 'as': this.playAs(command.name, command.role); return true;
      case 'campaign': this.switchCampaign(command.id); return true;
      case 'help': this.say(this.help()); return true;
      case 'quit': this.say(t(this.locale(), 'local.bye')); return false;
      case 'nothing': return true;
    }
  }

  private async run(body: CommandBody): Promise<void> {
    const campaign = this.campaign;
    if (campaign === undefined) {
      this.say(t(this.locale(), 'local.no-campaign'));
      return;
    }
    const command = inCampaign(body, campaign.id);
    const result = await this.options.engine.execute(command, this.actor);
    this.say(toPlainText(renderResult(result, command, campaign, this.locale())));
    if (result.ok && result.type === 'export') {
      const dir = this.options.exportDir ?? '.';
      await mkdir(dir, { recursive: true });
      for (const file of exportFiles(result.export)) {
        const path = join(dir, file.name);
        await writeFile(path, file.text, 'utf8');
        this.say(t(this.locale(), 'export.written', { path }));
      }
    }
    // The terminal is private to its operator: a fan's data is shown in full.
    if (result.ok && (result.type === 'mydata' || result.type === 'fan.export')) this.say(JSON.stringify(result.data, null, 2));
  }

  private playAs(name: string, role: Role): void {
    this.actor = localActor(name, role);
    this.say(t(this.locale(), 'local.as', { name, roles: this.roleNames() }));
  }

  private switchCampaign(id: string | undefined): void {
    const locale = this.locale();
    const ids = [...this.campaigns.keys()].join(', ');
    if (id === undefined) {
      if (this.campaign) this.say(t(locale, 'local.campaign', { title: this.campaign.title, id: this.campaign.id }));
      this.say(t(locale, 'local.campaign.list', { ids }));
      return;
    }
    const campaign = this.campaigns.get(id);
    if (campaign === undefined) {
      this.say(t(locale, 'local.campaign.unknown', { id, ids }));
      return;
    }
    this.campaign = campaign;
    this.say(t(this.locale(), 'local.campaign', { title: campaign.title, id: campaign.id }));
  }

  // ---------------------------------------------------------------------------- text

  private locale(): Locale {
    return this.options.locale ?? this.campaign?.locale ?? 'en';
  }

  private roleNames(): string {
    return (this.actor.grantedRoles ?? ['fan']).map((role) => t(this.locale(), `name.role.${role}`)).join(', ');
  }

  private welcome(): string {
    const locale = this.locale();
    if (this.campaign === undefined) return t(locale, 'local.no-campaign');
    return t(locale, 'local.welcome', { name: this.actor.displayName, roles: this.roleNames(), campaign: this.campaign.title });
  }

  private help(): string {
    const locale = this.locale();
    return [t(locale, 'local.help'), ...LOCAL_VERBS.map((verb) => `  ${t(locale, `usage.${verb}`)}`)].join('\n');
  }

  private usage(verb: LocalVerb | 'unknown'): string {
    const locale = this.locale();
    return verb === 'unknown' ? t(locale, 'usage.unknown') : t(locale, 'usage', { syntax: t(locale, `usage.${verb}`) });
  }

  /** `alice@crunch> `: who is playing, in which campaign (the first word of its id). */
  private promptText(): string {
    const where = this.campaign === undefined ? '' : `@${this.campaign.id.split('-')[0] ?? this.campaign.id}`;
    return `${this.actor.displayName}${where}> `;
  }

  // ---------------------------------------------------------------------------- output

  private prompt(): void {
    if (this.rl === undefined) return;
    this.rl.setPrompt(this.promptText());
    this.rl.prompt();
    this.atPrompt = true;
  }

  private say(text: string): void {
    this.options.output.write(`${text}\n`);
  }

  /**
   * Prints an announcement on lines of its own: when it arrives while a prompt waits, the
   * prompt (and on a terminal, what is being typed) is shown again after it.
   */
  private announce(text: string): void {
    const rl = this.rl;
    if (rl === undefined || !this.atPrompt) {
      this.say(text);
      return;
    }
    if (rl.terminal) {
      readline.clearLine(this.options.output, 0);
      readline.cursorTo(this.options.output, 0);
    } else {
      this.options.output.write('\n');
    }
    this.say(text);
    rl.prompt(true);
  }

  private log(line: string): void {
    if (this.options.log) this.options.log(line);
    else process.stderr.write(`${line}\n`);
  }
}
