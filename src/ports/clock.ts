/**
 * Clock: the engine's only source of time, so that tests and `cocreate simulate` can run a
 * five-week campaign in virtual time.
 */
export interface Clock {
  /** Now, as UTC epoch milliseconds. */
  now(): number;
  /** Calls `fn` once when the clock reaches `at` (at once if `at` has passed); returns a cancel function. */
  setTimer(at: number, fn: () => void): () => void;
}
