/** Moved to src/fakes with the fake Bot API; re-exported for the tests. */
export * from '../../../rehearsal/stand-ins/telegram-html';
