/**
 * The buttons of a settings card (Save, Test, Connect, Remove…): one action at a time, and which.
 *
 * Promises: while an action runs `busy` names it and every other press is ignored (the card's
 * buttons are disabled by it); a run clears the last problem first; a failure becomes the
 * plain-words problem in `error`, unless `failed` takes it for itself (a field's own problem) and
 * says so; `busy` is cleared however the work ends.
 */
import type { ErrorExplanation } from './errors';

export class CardActions<K extends string> {
  /** The action under way, if any. */
  busy = $state<K | null>(null);
  /** The problem to show in the card's error box, if the last action failed. */
  error = $state<ErrorExplanation | null>(null);

  readonly #explain: (reason: unknown) => ErrorExplanation;

  /** `explain` turns a failure into words (the card's `onerror`). */
  constructor(explain: (reason: unknown) => ErrorExplanation) {
    this.#explain = explain;
  }

  /**
   * Runs `work` as the action `kind`; does nothing while an action is under way. A failure goes to
   * `failed` first, and to `error` when `failed` does not return true.
   */
  async run(kind: K, work: () => Promise<void>, failed?: (explained: ErrorExplanation) => boolean): Promise<void> {
    if (this.busy) return;
    this.busy = kind;
    this.error = null;
    try {
      await work();
    } catch (reason) {
      const explained = this.#explain(reason);
      if (!failed?.(explained)) this.error = explained;
    } finally {
      this.busy = null;
    }
  }
}
