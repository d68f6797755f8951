/**
 * Search, filter and sort for the key list, fast enough to run on every keystroke over
 * 10,000 keys.
 *
 * The list opens on what needs doing ({@link DEFAULT_SORT}, the Rotation column ascending):
 * leaked keys, then overdue keys (the most overdue first), replaced keys that are due to be
 * deleted, keys due soon (the soonest first), then the rest by age (the oldest first). Every
 * column sorts both ways; ties are broken by name, then id, so the order is always the same.
 *
 * A search word matches the name, service or application; it also matches the credential ID,
 * wholly, or as a fragment of at least {@link MIN_CREDENTIAL_FRAGMENT} characters (shorter
 * fragments would match almost every key).
 *
 * {@link indexKeys} does the per-key work once when the list is loaded (lower-cased search text,
 * parsed creation time); {@link queryKeys} then only compares. The original objects are returned
 * unchanged; the input is never reordered.
 */
import { deleteIsDue, isReplaced, needsRotating } from './rotation';
import type { KeyView, RotationStatus } from './types';

/** The list's columns that sort. */
export const SORT_COLUMNS = ['name', 'service', 'age', 'rotation'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
/** As `aria-sort` says it: ascending is A to Z, the youngest first, the most urgent first. */
export type SortDirection = 'ascending' | 'descending';
/** A column and its direction, e.g. `rotation-ascending`. */
export type SortOrder = `${SortColumn}-${SortDirection}`;

/** What the list opens on: the Rotation column, the keys that need doing first. */
export const DEFAULT_SORT: SortOrder = 'rotation-ascending';

/** The shortest part of a credential ID that a search word finds it by (a whole ID always does). */
export const MIN_CREDENTIAL_FRAGMENT = 4;

/** The column a sort order sorts by, and in which direction. */
export function sortParts(sort: SortOrder): { column: SortColumn; direction: SortDirection } {
  const cut = sort.lastIndexOf('-');
  return { column: sort.slice(0, cut) as SortColumn, direction: sort.slice(cut + 1) as SortDirection };
}

/** The order after a click on `column`'s header: the other direction if it sorts already, else ascending. */
export function nextSort(current: SortOrder, column: SortColumn): SortOrder {
  const now = sortParts(current);
  if (now.column !== column) return `${column}-ascending`;
  return `${column}-${now.direction === 'ascending' ? 'descending' : 'ascending'}`;
}

/** Is `value` a sort order (for one read back from storage)? */
export function isSortOrder(value: unknown): value is SortOrder {
  if (typeof value !== 'string') return false;
  const { column, direction } = sortParts(value as SortOrder);
  return (SORT_COLUMNS as readonly string[]).includes(column) && (direction === 'ascending' || direction === 'descending');
}

/** The group a key is listed under: its rotation status, or "replaced" once rotated. */
export type KeyGroup = RotationStatus | 'replaced';

/** Which keys to show: all, those that need rotating (due soon or overdue), or one group. */
export type StatusFilter = 'all' | 'needs_rotating' | KeyGroup;

export interface KeyQuery {
  /**
   * What the person typed in the search box. Every word must appear in the name, service or
   * application, or in the credential ID (see {@link MIN_CREDENTIAL_FRAGMENT}).
   */
  text: string;
  sort: SortOrder;
  status: StatusFilter;
}

export const DEFAULT_QUERY: KeyQuery = { text: '', sort: DEFAULT_SORT, status: 'all' };

/** A key prepared for searching and sorting. */
export interface IndexedKey {
  key: KeyView;
  haystack: string;
  /** The credential ID, folded. */
  credential: string;
  createdMs: number;
  /** Where the key stands in the default order: 0 (leaked) to 4 (nothing to do). */
  urgency: number;
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

/**
 * How urgent a key is, for the default order: 0 leaked, 1 overdue, 2 replaced and due to be
 * deleted, 3 due soon, 4 nothing to do yet (including a replaced key within its grace period).
 */
export function urgency(key: KeyView): number {
  if (isReplaced(key)) return deleteIsDue(key) ? 2 : 4;
  if (key.leaked) return 0;
  return key.status === 'overdue' ? 1 : key.status === 'due_soon' ? 3 : 4;
}

/** Prepares keys for {@link queryKeys}. Call once whenever the list of keys changes. */
export function indexKeys(keys: readonly KeyView[]): IndexedKey[] {
  return keys.map((key) => {
    const created = Date.parse(key.created_at);
    return {
      key,
      // A separator no one types keeps words from matching across two fields.
      haystack: fold([key.name, key.service, key.application ?? ''].join('\u0000')),
      credential: fold(key.credential_id),
      createdMs: Number.isNaN(created) ? 0 : created,
      urgency: urgency(key),
    };
  });
}

/** The words of a search, folded; empty when the search is blank. */
export function searchWords(text: string): string[] {
  return fold(text).split(/\s+/).filter((word) => word.length > 0);
}

/**
 * Does the key contain every word (in its name, service or application, or its credential ID:
 * wholly, or a fragment of at least {@link MIN_CREDENTIAL_FRAGMENT} characters)?
 */
export function matchesWords(entry: IndexedKey, words: readonly string[]): boolean {
  return words.every(
    (word) =>
      entry.haystack.includes(word) ||
      (word.length >= MIN_CREDENTIAL_FRAGMENT ? entry.credential.includes(word) : entry.credential === word),
  );
}

/** A replaced key is listed as replaced whatever its age; any other key by its rotation status. */
export function keyGroup(key: Pick<KeyView, 'status' | 'replaced_by'>): KeyGroup {
  return key.replaced_by !== null ? 'replaced' : key.status;
}

/** Does the key belong to what the filter shows? */
export function matchesFilter(key: Pick<KeyView, 'status' | 'replaced_by' | 'attention'>, filter: StatusFilter): boolean {
  const group = keyGroup(key);
  switch (filter) {
    case 'all':
      return true;
    case 'needs_rotating':
      // A leaked key needs replacing whatever its age (as the reminder banner counts it).
      return needsRotating(key);
    default:
      return group === filter;
  }
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Ascending by one column, ties left at 0. */
const BY_COLUMN: Record<SortColumn, (a: IndexedKey, b: IndexedKey) => number> = {
  name: (a, b) => collator.compare(a.key.name, b.key.name),
  service: (a, b) =>
    collator.compare(a.key.service, b.key.service) ||
    // Keys with an application before those without.
    Number(a.key.application === null) - Number(b.key.application === null) ||
    collator.compare(a.key.application ?? '', b.key.application ?? ''),
  // The youngest first.
  age: (a, b) => b.createdMs - a.createdMs,
  // What needs doing first; the most overdue and the soonest due first, the rest the oldest first.
  rotation: (a, b) =>
    a.urgency - b.urgency ||
    (a.urgency === 1 || a.urgency === 3 ? a.key.days_until_due - b.key.days_until_due : 0) ||
    a.createdMs - b.createdMs,
};

/**
 * The order `sort` asks for; ties by name, then by id (the same way in both directions, so a
 * reversed list keeps like keys in a readable order).
 */
export function compareEntries(sort: SortOrder): (a: IndexedKey, b: IndexedKey) => number {
  const { column, direction } = sortParts(sort);
  const by = BY_COLUMN[column];
  const sign = direction === 'ascending' ? 1 : -1;
  return (a, b) => sign * by(a, b) || a.key.name.localeCompare(b.key.name) || a.key.id.localeCompare(b.key.id);
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
    if (answer.sort !== query.sort || answer.status !== query.status || !narrows(answer.words, joined)) continue;
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
 * Does every key that `words` finds contain `earlier` too, so a search for `words` can look only
 * at what `earlier` found? True when `words` types on from `earlier`, unless it lengthens a last
 * word too short to find credential IDs by a fragment ("abc" finds an ID only whole, "abcd" by a
 * part of it).
 */
function narrows(earlier: string, words: string): boolean {
  if (!words.startsWith(earlier)) return false;
  if (earlier === '' || words.length === earlier.length || words[earlier.length] === ' ') return true;
  return earlier.length - (earlier.lastIndexOf(' ') + 1) >= MIN_CREDENTIAL_FRAGMENT;
}

/**
 * Does ahead of time, while the person has not typed yet, what the first search would otherwise
 * pay for: sorting the index in the order shown (cached by {@link sortedIndex}) and running the
 * filter once, so the JavaScript engine has compiled it before the first keystroke.
 */
export function prepareQueries(index: readonly IndexedKey[], sort: SortOrder = DEFAULT_SORT): void {
  queryKeys(index, { text: 'e', sort, status: 'needs_rotating' });
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
