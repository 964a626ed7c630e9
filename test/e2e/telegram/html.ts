/** Moved to src/fakes with the fake Bot API; re-exported for the tests. */
export * from '../../../src/fakes/telegram-html';
