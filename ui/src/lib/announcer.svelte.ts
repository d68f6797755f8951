/**
 * The one place that says things out loud: a polite live region, shown as a small status line,
 * that App renders once. Components call {@link announce} after an action ("Key saved",
 * "Copied…"). Each message clears itself after a while; the same message said twice is read twice.
 */

const SHOW_FOR_MS = 8000;

class Announcer {
  /** What the status area says now. */
  message = $state('');
  #clearTimer: ReturnType<typeof setTimeout> | undefined;
  #setTimer: ReturnType<typeof setTimeout> | undefined;

  say(text: string): void {
    clearTimeout(this.#clearTimer);
    clearTimeout(this.#setTimer);
    // Empty first, so that a repeated message is a change the screen reader reads again.
    this.message = '';
    this.#setTimer = setTimeout(() => {
      this.message = text;
      this.#clearTimer = setTimeout(() => (this.message = ''), SHOW_FOR_MS);
    }, 60);
  }
}

export const announcer = new Announcer();

/** Says `text` in the status area and to screen readers. */
export function announce(text: string): void {
  announcer.say(text);
}
