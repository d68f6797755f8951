// Moving focus by element id: every screen's h1 (`screen-title`) takes focus when the screen
// opens or its content changes in place, and forms send focus to the field with a problem.
// One place for it, so that the title's id is written once.

/** The id of every screen's `h1` (with `tabindex="-1"`). */
export const SCREEN_TITLE_ID = 'screen-title';

/** Focuses the element with this id, if the page has one now. */
export function focusById(id: string): void {
  document.getElementById(id)?.focus();
}

/** Focuses the open screen's title, so that a screen reader starts there. */
export function focusScreenTitle(): void {
  focusById(SCREEN_TITLE_ID);
}
