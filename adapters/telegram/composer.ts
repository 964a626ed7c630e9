/**
 * Which updates are the bot's, as telegraf middleware: its commands (by `bot_command` entity,
 * addressed to it or to nobody), the replies that bring a text it asked for, and presses of its
 * own buttons. Anything else goes on to the next middleware, so the composer can sit in a bot
 * that also does other things; alone, it answers a press it cannot read as an invalid command.
 */
import { Composer, type Context } from 'telegraf';
import type { Message } from 'telegraf/types';
import { TelegramButtons } from './buttons';
import { isTelegramCommand, TelegramCommands } from './commands';
import type { TelegramContext } from './context';

/** Splits `/cmd@bot args` into the command (lower case), the bot it names, and its arguments. */
export function parseCommand(message: Message.TextMessage): { name: string; bot?: string; args: string } | null {
  const entity = message.entities?.[0];
  if (!entity || entity.type !== 'bot_command' || entity.offset !== 0) return null;
  const head = message.text.slice(1, entity.length);
  const [name = '', bot] = head.split('@');
  return { name: name.toLowerCase(), ...(bot ? { bot } : {}), args: message.text.slice(entity.length).trim() };
}

export interface CocreateComposer {
  readonly composer: Composer<Context>;
  readonly buttons: TelegramButtons;
}

/**
 * The bot's middleware. `botUsername` tells which `/cmd@bot` are its own (known once `getMe`
 * answered). `ownsAllButtons`: presses whose data is not the bot's are answered as invalid (a
 * bot of its own) rather than passed on (a bot shared with other handlers).
 */
export function cocreateComposer(context: TelegramContext, botUsername: () => string | undefined, ownsAllButtons = true): CocreateComposer {
  const commands = new TelegramCommands(context);
  const buttons = new TelegramButtons(context);
  const composer = new Composer<Context>();
  composer.on('message', async (ctx, next) => {
    context.prune();
    const message = ctx.message;
    if (!('text' in message) || !message.from || message.from.is_bot) return next();
    const command = parseCommand(message);
    if (!command) {
      if (!(await commands.onText(message))) await next();
      return;
    }
    const me = botUsername();
    if ((command.bot && me && command.bot.toLowerCase() !== me.toLowerCase()) || !isTelegramCommand(command.name)) return next(); // another bot's, or not ours
    await commands.onCommand(command.name, command.args, message);
  });
  composer.on('callback_query', async (ctx, next) => {
    if (!ownsAllButtons && !buttons.owns(ctx.callbackQuery)) return next();
    await buttons.onPress(ctx.callbackQuery, ctx.telegram);
  });
  return { composer, buttons };
}
