// The list of keys the back end writes into the page it serves (src-tauri/first_page.rs), as JSON
// in the data-keys attribute of a hidden element: read once, then removed.
import type { KeyView } from './types';

/** The id of the element holding the list (FIRST_LIST_ID in src-tauri/first_page.rs). */
export const FIRST_LIST_ID = 'first-list';

/** What is read of the page: the element holding the list, by id (a `Document` in the app). */
export interface Page {
  getElementById(id: string): { getAttribute(name: string): string | null; remove(): void } | null;
}

/**
 * The list written into `doc`, removing it from the page; `null` when there is none or it is
 * not a list (then the caller asks the back end).
 */
export function takeFirstList(doc: Page): KeyView[] | null {
  const block = doc.getElementById(FIRST_LIST_ID);
  if (!block) return null;
  block.remove();
  try {
    const keys: unknown = JSON.parse(block.getAttribute('data-keys') ?? '');
    return Array.isArray(keys) ? (keys as KeyView[]) : null;
  } catch {
    return null;
  }
}
