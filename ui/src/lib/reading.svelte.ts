/**
 * What a screen reads from the back end when it opens and on "Read again" (the Team screen's
 * desktops and keys, its shared keys): whether a read is under way, and why the last one failed.
 *
 * Promises: a read clears the last problem first; its failure becomes the plain-words problem in
 * `error` (after `failed`, which drops what is no longer true); `loading` is false however it ends.
 */
import type { ErrorExplanation } from './errors';

export class Reading {
  /** A read is under way ("Read again" waits and says so). */
  loading = $state(false);
  /** The problem to show above what was read, if the last read failed. */
  error = $state<ErrorExplanation | null>(null);

  readonly #explain: (reason: unknown) => ErrorExplanation;

  /** `explain` turns a failure into words (the screen's `onerror`). */
  constructor(explain: (reason: unknown) => ErrorExplanation) {
    this.#explain = explain;
  }

  /** Runs `read`; on failure calls `failed`, then keeps the problem in words. */
  async run(read: () => Promise<void>, failed?: () => void): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      await read();
    } catch (reason) {
      failed?.();
      this.error = this.#explain(reason);
    } finally {
      this.loading = false;
    }
  }
}
