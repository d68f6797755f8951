/**
 * The confirm button of a dialog (Delete, Rotate, Save…): the work it starts, one run at a time.
 *
 * Promises: while a run is under way `busy` is true and a second run is ignored; a run clears the
 * last problem first; a failure becomes the plain-words problem in `error` and leaves the dialog
 * open; `finished` turns true before `done` is told, so a dialog that closes because it is done
 * does not also report a cancel (`closer` says it once for every dialog).
 */
import type { ErrorExplanation } from './errors';

export class ConfirmAction {
  /** The work runs now: the confirm button is disabled and says so. */
  busy = $state(false);
  /** The problem to show in the dialog's error box, if the last run failed. */
  error = $state<ErrorExplanation | null>(null);
  /** The work is done: closing the dialog now is not a cancel. */
  finished = false;

  readonly #explain: (reason: unknown) => ErrorExplanation;

  /** `explain` turns a failure into words (the dialog's `onerror`). */
  constructor(explain: (reason: unknown) => ErrorExplanation) {
    this.#explain = explain;
  }

  /**
   * What the dialog does when it closes (Escape, Cancel, or going away): `oncancel`, unless the
   * work is done, for a dialog that closes because it is done was not cancelled.
   */
  closer(oncancel: () => void): () => void {
    return () => {
      if (!this.finished) oncancel();
    };
  }

  /** Runs `work`, then hands its result to `done`; does nothing while a run is under way. */
  async run<T>(work: () => Promise<T>, done: (result: T) => void): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      const result = await work();
      this.finished = true;
      done(result);
    } catch (reason) {
      this.error = this.#explain(reason);
    } finally {
      this.busy = false;
    }
  }
}
