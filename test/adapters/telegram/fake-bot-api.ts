/** The fake Telegram Bot API lives in src/fakes (so that `cocreate rehearse` can start it); re-exported for the tests. */
export * from '../../../rehearsal/stand-ins/telegram-stand-in';
