/**
 * The list's sort order, remembered across restarts in the window's local storage (kept by the
 * web view in Keyward's data folder; it holds only the name of an order, nothing about keys).
 *
 * Promises: reading never throws (no storage, storage refused, or a value some other version
 * wrote all give the default order); writing never throws either (the order is then only
 * remembered until the window closes).
 */
import { DEFAULT_SORT, isSortOrder, type SortOrder } from './keyQuery';

/** The storage key. */
export const SORT_STORAGE_KEY = 'keyward.list.sort';

/** What is read and written: `window.localStorage` in the app. */
export type SortStorage = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): SortStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The order the person chose last, or the default order. */
export function loadSort(storage: SortStorage | null = defaultStorage()): SortOrder {
  try {
    const saved = storage?.getItem(SORT_STORAGE_KEY);
    return isSortOrder(saved) ? saved : DEFAULT_SORT;
  } catch {
    return DEFAULT_SORT;
  }
}

/** Remembers `sort` for the next start. */
export function saveSort(sort: SortOrder, storage: SortStorage | null = defaultStorage()): void {
  try {
    storage?.setItem(SORT_STORAGE_KEY, sort);
  } catch {
    // Storage full or refused: the order holds until the window closes.
  }
}
