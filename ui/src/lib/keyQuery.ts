/**
 * Search, filter and sort for the key list, fast enough to run on every keystroke over
 * 10,000 keys.
 *
 * {@link indexKeys} does the per-key work once when the list is loaded (lower-cased search text,
 * parsed creation time); {@link queryKeys} then only compares. The original objects are returned
 * unchanged and in a new array; the input is never reordered.
 */
import type { KeyView, RotationStatus } from './types';

export type SortOrder = 'newest' | 'oldest';

/** The group a key is listed under: its rotation status, or "replaced" once rotated. */
export type KeyGroup = RotationStatus | 'replaced';

/** Which keys to show: all, those that need rotating (due soon or overdue), or one group. */
export type StatusFilter = 'all' | 'needs_rotating' | KeyGroup;

export interface KeyQuery {
  /** What the person typed in the search box. Every word must appear in the name, service or application. */
  text: string;
  sort: SortOrder;
  status: StatusFilter;
}

export const DEFAULT_QUERY: KeyQuery = { text: '', sort: 'newest', status: 'all' };

/** A key prepared for searching and sorting. */
export interface IndexedKey {
  key: KeyView;
  haystack: string;
  createdMs: number;
}

/** Lower-cased and stripped of accents, so "café" finds "Cafe". */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Prepares keys for {@link queryKeys}. Call once whenever the list of keys changes. */
export function indexKeys(keys: readonly KeyView[]): IndexedKey[] {
  return keys.map((key) => {
    const created = Date.parse(key.created_at);
    return {
      key,
      // A separator no one types keeps words from matching across two fields.
      haystack: fold([key.name, key.service, key.application ?? ''].join('\u0000')),
      createdMs: Number.isNaN(created) ? 0 : created,
    };
  });
}

/** The words of a search, folded; empty when the search is blank. */
export function searchWords(text: string): string[] {
  return fold(text).split(/\s+/).filter((word) => word.length > 0);
}

/** Does the key contain every word (in its name, service or application)? */
export function matchesWords(entry: IndexedKey, words: readonly string[]): boolean {
  return words.every((word) => entry.haystack.includes(word));
}

/** A replaced key is listed as replaced whatever its age; any other key by its rotation status. */
export function keyGroup(key: Pick<KeyView, 'status' | 'replaced_by'>): KeyGroup {
  return key.replaced_by !== null ? 'replaced' : key.status;
}

/** Does the key belong to what the filter shows? */
export function matchesFilter(key: Pick<KeyView, 'status' | 'replaced_by'>, filter: StatusFilter): boolean {
  const group = keyGroup(key);
  switch (filter) {
    case 'all':
      return true;
    case 'needs_rotating':
      return group === 'overdue' || group === 'due_soon';
    default:
      return group === filter;
  }
}

/** The keys that match the query, in the order it asks for. */
export function queryKeys(index: readonly IndexedKey[], query: KeyQuery): KeyView[] {
  const words = searchWords(query.text);
  const matching = index.filter((entry) => matchesFilter(entry.key, query.status) && matchesWords(entry, words));
  const direction = query.sort === 'newest' ? -1 : 1;
  matching.sort(
    (a, b) => direction * (a.createdMs - b.createdMs) || a.key.name.localeCompare(b.key.name) || a.key.id.localeCompare(b.key.id),
  );
  return matching.map((entry) => entry.key);
}

/** How many keys are in each group, for the filter's labels and the summary. */
export function countByStatus(keys: readonly KeyView[]): Record<KeyGroup, number> {
  const counts: Record<KeyGroup, number> = { ok: 0, due_soon: 0, overdue: 0, replaced: 0 };
  for (const key of keys) counts[keyGroup(key)] += 1;
  return counts;
}

/** Is the query narrowing the list at all? */
export function isFiltering(query: KeyQuery): boolean {
  return searchWords(query.text).length > 0 || query.status !== 'all';
}
