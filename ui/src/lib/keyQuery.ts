/**
 * Search, filter and sort for the key list, fast enough to run on every keystroke over
 * 10,000 keys.
 *
 * {@link indexKeys} does the per-key work once when the list is loaded (lower-cased search text,
 * parsed creation time); {@link queryKeys} then only compares. The original objects are returned
 * unchanged; the input is never reordered.
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

/** Only ASCII characters: nothing to decompose and no accents to strip. */
const ASCII = /^[\u0000-\u007f]*$/;

/** Lower-cased and stripped of accents, so "café" finds "Cafe". */
export function fold(text: string): string {
  // The same result for plain ASCII, without the Unicode decomposition (most names are ASCII).
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The query that shows exactly the keys that need rotating (what the tray's "N keys need
 * rotating" opens): no search words to hide any of them, the person's order kept.
 */
export function needsRotatingQuery(current: KeyQuery): KeyQuery {
  return { ...DEFAULT_QUERY, sort: current.sort, status: 'needs_rotating' };
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

/** Newest (or oldest) first; keys made at the same time by name, then by id. */
function compareEntries(sort: SortOrder): (a: IndexedKey, b: IndexedKey) => number {
  const direction = sort === 'newest' ? -1 : 1;
  return (a, b) => direction * (a.createdMs - b.createdMs) || a.key.name.localeCompare(b.key.name) || a.key.id.localeCompare(b.key.id);
}

/**
 * The whole index sorted once per order and kept for as long as the index lives, so that a
 * keystroke only filters: filtering a sorted list keeps its order, and the sort is stable, so
 * the result is the same as sorting the matching keys each time. An index is never changed
 * after {@link indexKeys} made it.
 */
const sortedIndexes = new WeakMap<readonly IndexedKey[], Partial<Record<SortOrder, readonly IndexedKey[]>>>();

/** `index` in the order `sort` asks for (sorted on first use, then cached). */
export function sortedIndex(index: readonly IndexedKey[], sort: SortOrder): readonly IndexedKey[] {
  let orders = sortedIndexes.get(index);
  if (!orders) {
    orders = {};
    sortedIndexes.set(index, orders);
  }
  let sorted = orders[sort];
  if (!sorted) {
    sorted = [...index].sort(compareEntries(sort));
    orders[sort] = sorted;
  }
  return sorted;
}

/** A query answered for an index: its entries (to narrow from) and its keys (to show). */
interface Answer {
  sort: SortOrder;
  status: StatusFilter;
  /** The search's words joined by one space: what the answer is remembered by. */
  words: string;
  entries: readonly IndexedKey[];
  keys: readonly KeyView[];
}

/** How many answers are kept per index: enough for a search typed and erased again. */
const ANSWERS_KEPT = 24;

/** The latest answers for each index, newest last; gone with the index. */
const answersByIndex = new WeakMap<readonly IndexedKey[], Answer[]>();

/**
 * The keys that match the query, in the order it asks for.
 *
 * Typing on only narrows a search: every key that contains "paym" contains "pay". So when an
 * earlier answer for the same order and filter had words the new ones start with, only its keys
 * are looked at, not the whole index; and a search asked again (erasing back to it) is answered
 * from memory. The answer is the same as a full scan would give: same keys, same order. The
 * array returned may be shared between calls: do not change it.
 */
export function queryKeys(index: readonly IndexedKey[], query: KeyQuery): readonly KeyView[] {
  const words = searchWords(query.text);
  const joined = words.join(' ');
  let answers = answersByIndex.get(index);
  if (!answers) {
    answers = [];
    answersByIndex.set(index, answers);
  }
  // The same query, or the closest one it narrows.
  let base: Answer | null = null;
  for (const answer of answers) {
    if (answer.sort !== query.sort || answer.status !== query.status || !joined.startsWith(answer.words)) continue;
    if (base === null || answer.words.length >= base.words.length) base = answer;
  }
  if (base !== null && base.words === joined) {
    answers.splice(answers.indexOf(base), 1);
    answers.push(base);
    return base.keys;
  }
  const entries: IndexedKey[] = [];
  const keys: KeyView[] = [];
  for (const entry of base !== null ? base.entries : sortedIndex(index, query.sort)) {
    if (matchesFilter(entry.key, query.status) && matchesWords(entry, words)) {
      entries.push(entry);
      keys.push(entry.key);
    }
  }
  answers.push({ sort: query.sort, status: query.status, words: joined, entries, keys });
  if (answers.length > ANSWERS_KEPT) answers.shift();
  return keys;
}

/**
 * Does ahead of time, while the person has not typed yet, what the first search or change of
 * order would otherwise pay for: sorting the index both ways (cached by {@link sortedIndex}) and
 * running the filter once, so the JavaScript engine has compiled it before the first keystroke.
 */
export function prepareQueries(index: readonly IndexedKey[]): void {
  for (const sort of ['newest', 'oldest'] as const) queryKeys(index, { text: 'e', sort, status: 'needs_rotating' });
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
