/**
 * The Telegram adapter (telegraf 4): the bot and its lifecycle — the token check, the command
 * menu (derived from the chat catalogue) in French and English, long polling or the webhook.
 * Updates go through the composer (composer.ts) to the command and button handlers; engine
 * announcements go out through the chat layer's delivery routine with Telegram's steps
 * (delivery.ts). It holds no campaign state beyond short-lived drafts (an idea waiting for
 * its text, a ballot being picked); every decision is the engine's.
 *
 * Safety (DESIGN invariant 7): every message goes out in HTML parse mode, built by src/render
 * (fan text escaped, `@` broken), cut to Telegram's 4096 characters; buttons carry short opaque
 * `callback_data` (callback.ts) that the engine re-checks. Every button press is answered
 * with `answerCallbackQuery`, once the engine has answered.
 */
import { Telegraf, TelegramError } from 'telegraf';
import type { CampaignSpec, Locale } from '../../src/model/campaign';
import type { Deliver, DeliveryTarget } from '../../src/ports/outbox';
import { t } from '../../src/i18n/messages';
import { CampaignDirectory } from '../../src/chat/directory';
import { describeError } from '../../src/chat/delivery';
import type { CommandRunner } from '../../src/chat/runner';
import { textGrammar } from '../../src/chat/text';
import type { TelegramVerb } from '../../src/chat/catalogue';
import { cocreateComposer } from './composer';
import { TelegramContext } from './context';
import { telegramAnnouncer } from './delivery';
import type { TelegramButtons } from './buttons';

export type { CommandRunner } from '../../src/chat/runner';
export { parseCommand } from './composer';
export { fanReader } from './commands';

export interface TelegramWebhook {
  /** The public https URL Telegram posts updates to (its path is the one served). */
  readonly url: string;
  /** Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; other requests are refused. */
  readonly secret: string;
  /** The local port the webhook server listens on (behind the TLS proxy). */
  readonly port: number;
}

export interface TelegramAdapterOptions {
  readonly engine: CommandRunner;
  readonly campaigns: readonly CampaignSpec[];
  readonly token: string;
  /** The Bot API root; Telegram's when absent (tests point it at a local fake). */
  readonly apiRoot?: string;
  /** Overrides each campaign's locale. */
  readonly locale?: Locale;
  /** Webhook mode; long polling when absent. */
  readonly webhook?: TelegramWebhook;
  /** One line to the operator's log. */
  readonly log: (line: string) => void;
  /** How long a chat's administrators are cached (default 5 minutes). */
  readonly adminsTtlMs?: number;
  /** How long an idea waits for its text, or a ballot for its ✅ (default 15 minutes). */
  readonly draftTtlMs?: number;
}

/** The commands shown in Telegram's menu, in this order (the catalogue's). */
export const TELEGRAM_COMMANDS = textGrammar('telegram').verbs as readonly TelegramVerb[];

export class TelegramAdapter {
  readonly bot: Telegraf;
  /** The outbox's delivery: one announcement to one chat (a 429 becomes `RateLimitedError`, a 4xx is logged and dropped). */
  readonly deliver: Deliver;
  /** Where a campaign's announcements go on Telegram: each chat of its `channels.telegram`. */
  readonly targets: (campaignId: string) => readonly DeliveryTarget[];
  private readonly context: TelegramContext;
  private readonly buttons: TelegramButtons;
  private running: Promise<void> | undefined;
  private receiving = false;
  private me: Awaited<ReturnType<Telegraf['telegram']['getMe']>> | undefined;

  constructor(private readonly options: TelegramAdapterOptions) {
    this.bot = new Telegraf(options.token, {
      telegram: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), webhookReply: false },
      handlerTimeout: 60_000,
    });
    const directory = new CampaignDirectory(options.campaigns, options.locale);
    this.context = new TelegramContext({
      runner: options.engine, directory, log: options.log,
      ...(options.adminsTtlMs === undefined ? {} : { adminsTtlMs: options.adminsTtlMs }),
      ...(options.draftTtlMs === undefined ? {} : { draftTtlMs: options.draftTtlMs }),
    }, this.bot.telegram);
    const announcer = telegramAnnouncer(this.bot.telegram, directory, (line) => this.context.log(line));
    this.deliver = announcer.deliver;
    this.targets = announcer.targets;
    // The one error boundary: log, never rethrow (telegraf's default would set process.exitCode).
    this.bot.catch((error, ctx) => {
      this.context.log(`telegram: update ${ctx.update.update_id} failed: ${describeError(error)}`);
    });
    const { composer, buttons } = cocreateComposer(this.context, () => this.me?.username);
    this.buttons = buttons;
    this.bot.use(composer);
  }

  /**
   * Checks the token (`getMe`), registers the commands in fr and en, and starts receiving
   * updates (long polling, or the webhook). Resolves once updates are being received; rejects
   * with a clear message when Telegram refuses the token.
   */
  async start(): Promise<void> {
    try {
      this.me = await this.bot.telegram.getMe();
    } catch (error) {
      if (error instanceof TelegramError && error.code === 401) throw new Error('Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token BotFather gave you.');
      throw new Error(`cannot reach the Telegram Bot API: ${describeError(error)}`);
    }
    this.bot.botInfo = this.me;
    await this.registerCommands().catch((error: unknown) => this.context.log(`telegram: setMyCommands failed: ${describeError(error)}`));
    const webhook = this.options.webhook;
    const launched = webhook
      ? this.bot.launch({ webhook: { domain: new URL(webhook.url).host, path: new URL(webhook.url).pathname, port: webhook.port, secretToken: webhook.secret } })
      : this.bot.launch({ allowedUpdates: ['message', 'callback_query'] });
    // launch() resolves only when polling stops: never awaited, its failure logged.
    this.running = launched
      .catch((error: unknown) => this.context.log(`telegram: stopped receiving updates: ${describeError(error)}`))
      .finally(() => { if (!webhook) this.receiving = false; }); // a webhook's launch() resolves once listening
    this.receiving = true;
  }

  /** Null while updates are being received (long polling or webhook), else why not (for `/healthz`). */
  health(): string | null {
    return this.receiving ? null : 'Telegram updates are not being received (polling or webhook stopped)';
  }

  /** Stops receiving updates; resolves once the last poll is over (or after 5 s). */
  async stop(): Promise<void> {
    this.receiving = false;
    if (!this.running) return;
    let settled = false;
    void this.running.then(() => { settled = true; });
    const deadline = Date.now() + 5000;
    // launch() starts polling only after its deleteWebhook call: a stop that comes earlier waits for it.
    while (!settled && Date.now() < deadline) {
      try {
        this.bot.stop('cocreate stop');
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref())]);
    await Promise.race([Promise.all(this.buttons.answering), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref())]);
  }

  /** The command menu, from the catalogue: by default in the campaigns' language, and in French and English. */
  private async registerCommands(): Promise<void> {
    const list = (locale: Locale) => TELEGRAM_COMMANDS.map((command) => ({ command, description: t(locale, `telegram.command.${command}`) }));
    await this.bot.telegram.setMyCommands(list(this.context.defaultLocale()));
    for (const locale of ['fr', 'en'] as const) await this.bot.telegram.setMyCommands(list(locale), { language_code: locale });
  }
}
