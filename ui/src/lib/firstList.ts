// The list of keys the back end writes into the page it serves (src-tauri/first_page.rs), as JSON
// in the data-keys attribute of a hidden element (only the first screen of a long list; how many
// keys there are in all in data-total): read once, then removed.
import type { KeyView } from './types';

/** The id of the element holding the list (FIRST_LIST_ID in src-tauri/first_page.rs). */
export const FIRST_LIST_ID = 'first-list';

/** What is read of the page: the element holding the list, by id (a `Document` in the app). */
export interface Page {
  getElementById(id: string): { getAttribute(name: string): string | null; remove(): void } | null;
}

/** The first screen of keys written into the page, and how many keys there are in all. */
export interface FirstList {
  keys: KeyView[];
  total: number;
  /** The person's date locale (`de-DE`), when the back end knows it (data-locale). */
  locale: string | null;
}

/**
 * The list written into `doc`, removing it from the page; `null` when there is none or it is
 * not a list (then the caller asks the back end). When `keys` is shorter than `total`, the page
 * holds only the first screen and the rest is to be asked for.
 */
export function takeFirstList(doc: Page): FirstList | null {
  const block = doc.getElementById(FIRST_LIST_ID);
  if (!block) return null;
  block.remove();
  const total = Number(block.getAttribute('data-total'));
  try {
    const keys: unknown = JSON.parse(block.getAttribute('data-keys') ?? '');
    if (!Array.isArray(keys) || !Number.isSafeInteger(total) || total < keys.length) return null;
    return { keys: keys as KeyView[], total, locale: block.getAttribute('data-locale') };
  } catch {
    return null;
  }
}
