import { describe, expect, it } from 'vitest';
import {
  compareEntries,
  countByStatus,
  DEFAULT_QUERY,
  DEFAULT_SORT,
  fold,
  indexKeys,
  isFiltering,
  isSortOrder,
  matchesFilter,
  needsRotatingQuery,
  nextSort,
  prepareQueries,
  queryKeys,
  SORT_COLUMNS,
  sortedIndex,
  type KeyQuery,
  type SortOrder,
  type StatusFilter,
} from './keyQuery';
import type { KeyView, RotationStatus } from './types';

function key(
  id: string,
  name: string,
  service: string,
  application: string | null,
  created: string,
  status: RotationStatus = 'ok',
  daysUntilDue = 10,
): KeyView {
  return {
    id,
    name,
    service,
    application,
    credential_id: `kw_${id}`,
    notes: '',
    created_at: created,
    rotate_by: created,
    age_days: 0,
    status,
    // What the back end says of a key that was neither replaced nor leaked.
    attention: status === 'ok' ? 'none' : 'rotate',
    days_until_due: daysUntilDue,
    last_copied_at: null,
    last_revealed_at: null,
    replaced_by: null,
    delete_after: null,
    snoozed_until: null,
    issuer: 'keyward',
    vendor: null,
    vendor_display_name: null,
    vendor_dashboard_url: null,
    owner: null,
    leaked: false,
    leaked_at: null,
    rotation: null,
    replaced_by_name: null,
    received_from: null,
    received_for: null,
    received_at: null,
  };
}

const KEYS: KeyView[] = [
  key('a', 'payments-api-01_09_2026-10_00', 'Payments API', 'Billing app', '2026-09-01T10:00:00Z', 'due_soon', 5),
  key('b', 'maps-12_06_2026-08_30', 'Maps', null, '2026-06-12T08:30:00Z', 'overdue', -80),
  key('c', 'payments-api-20_11_2026-16_45', 'Payments API', 'Shop website', '2026-11-20T16:45:00Z', 'ok', 85),
  key('d', 'café-stats-01_11_2026-09_00', 'Café stats', 'Reports', '2026-11-01T09:00:00+02:00', 'ok', 65),
];

const names = (keys: readonly KeyView[]) => keys.map((k) => k.id);
const query = (patch: Partial<KeyQuery>) => queryKeys(indexKeys(KEYS), { ...DEFAULT_QUERY, ...patch });

describe('queryKeys', () => {
  it('opens on what needs doing: overdue, then due soon, then the rest oldest first', () => {
    expect(DEFAULT_QUERY.sort).toBe('rotation-ascending');
    expect(names(query({}))).toEqual(['b', 'a', 'd', 'c']);
  });

  it('lists newest or oldest first by the Age column', () => {
    expect(names(query({ sort: 'age-ascending' }))).toEqual(['c', 'd', 'a', 'b']);
    expect(names(query({ sort: 'age-descending' }))).toEqual(['b', 'a', 'd', 'c']);
  });

  it('sorts by name and by service, both ways', () => {
    expect(names(query({ sort: 'name-ascending' }))).toEqual(['d', 'b', 'a', 'c']);
    expect(names(query({ sort: 'name-descending' }))).toEqual(['c', 'a', 'b', 'd']);
    // Same service: by application (Billing app before Shop website).
    expect(names(query({ sort: 'service-ascending' }))).toEqual(['d', 'b', 'a', 'c']);
    expect(names(query({ sort: 'service-descending' }))).toEqual(['c', 'a', 'b', 'd']);
  });

  it('puts the most urgent key at the bottom when the Rotation column is reversed', () => {
    expect(names(query({ sort: 'rotation-descending' }))).toEqual(['c', 'd', 'a', 'b']);
  });

  it('compares creation times, not their text, across time zones', () => {
    const early = key('x', 'x', 'X', null, '2026-11-01T09:00:00+02:00'); // 07:00 UTC
    const late = key('y', 'y', 'Y', null, '2026-11-01T08:00:00Z');
    expect(names(queryKeys(indexKeys([early, late]), { ...DEFAULT_QUERY, sort: 'age-descending' }))).toEqual(['x', 'y']);
  });

  it('searches name, service and application, ignoring case', () => {
    expect(names(query({ text: 'PAYMENTS' }))).toEqual(['a', 'c']);
    expect(names(query({ text: 'billing' }))).toEqual(['a']);
    expect(names(query({ text: 'maps' }))).toEqual(['b']);
  });

  it('needs every word to match, in any field', () => {
    expect(names(query({ text: 'payments shop' }))).toEqual(['c']);
    expect(names(query({ text: 'payments maps' }))).toEqual([]);
  });

  it('ignores accents and surrounding spaces', () => {
    expect(names(query({ text: '  cafe ' }))).toEqual(['d']);
    expect(names(query({ text: 'CAFÉ' }))).toEqual(['d']);
  });

  it('does not match words that span two fields', () => {
    expect(names(query({ text: 'apppayments' }))).toEqual([]);
  });

  it('filters by status, together with the search', () => {
    expect(names(query({ status: 'overdue' }))).toEqual(['b']);
    expect(names(query({ status: 'ok', text: 'payments' }))).toEqual(['c']);
  });

  it('keeps a stable order for keys created at the same moment', () => {
    const same = [key('2', 'b-name', 'S', null, '2026-01-01T00:00:00Z'), key('1', 'a-name', 'S', null, '2026-01-01T00:00:00Z')];
    expect(names(queryKeys(indexKeys(same), DEFAULT_QUERY))).toEqual(['1', '2']);
    expect(names(queryKeys(indexKeys(same), { ...DEFAULT_QUERY, sort: 'age-ascending' }))).toEqual(['1', '2']);
  });

  it('leaves the input list untouched', () => {
    const before = names(KEYS);
    query({ sort: 'age-descending' });
    expect(names(KEYS)).toEqual(before);
  });

  it('handles 10,000 keys quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      key(String(i), `service-${i % 97}-${i}`, `Service ${i % 97}`, i % 3 ? `App ${i % 11}` : null, new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString()),
    );
    const index = indexKeys(many);
    const started = performance.now();
    const found = queryKeys(index, { text: 'service 42', sort: 'age-descending', status: 'all' });
    const elapsed = performance.now() - started;
    expect(found.length).toBeGreaterThan(0);
    expect(elapsed, 'one keystroke must filter 10,000 keys well within a frame budget').toBeLessThan(100);
  });
});

describe('countByStatus', () => {
  it('counts each status', () => {
    expect(countByStatus(KEYS)).toEqual({ ok: 2, due_soon: 1, overdue: 1, replaced: 0 });
  });

  it('counts a replaced key as replaced, whatever its age', () => {
    const replaced = { ...KEYS[1], replaced_by: 'c' };
    expect(countByStatus([KEYS[0], replaced, KEYS[2]])).toEqual({ ok: 1, due_soon: 1, overdue: 0, replaced: 1 });
  });
});

describe('replaced keys and the "needs rotating" filter', () => {
  const withReplaced = [...KEYS, { ...key('e', 'maps-01_01_2026-08_00', 'Maps', null, '2026-01-01T08:00:00Z', 'overdue'), replaced_by: 'b', attention: 'delete' as const }];
  const show = (status: KeyQuery['status']) => names(queryKeys(indexKeys(withReplaced), { ...DEFAULT_QUERY, status }));

  it('shows keys due soon and overdue, but not replaced ones', () => {
    expect(show('needs_rotating')).toEqual(['b', 'a']);
  });

  it('opens on exactly the keys that need rotating from the tray, whatever was shown before', () => {
    const before: KeyQuery = { text: 'payments', sort: 'age-descending', status: 'ok' };
    const opened = needsRotatingQuery(before);
    expect(opened).toEqual({ text: '', sort: 'age-descending', status: 'needs_rotating' });
    expect(names(queryKeys(indexKeys(withReplaced), opened))).toEqual(['b', 'a']);
  });

  it('lists replaced keys on their own, not under their rotation status', () => {
    expect(show('replaced')).toEqual(['e']);
    expect(show('overdue')).toEqual(['b']);
    expect(show('all')).toHaveLength(5);
  });
});

describe('isFiltering', () => {
  it('is false for a blank search and all statuses', () => {
    expect(isFiltering({ ...DEFAULT_QUERY, text: '   ' })).toBe(false);
    expect(isFiltering({ ...DEFAULT_QUERY, sort: 'age-descending' })).toBe(false);
  });

  it('is true when searching or filtering', () => {
    expect(isFiltering({ ...DEFAULT_QUERY, text: 'x' })).toBe(true);
    expect(isFiltering({ ...DEFAULT_QUERY, status: 'overdue' })).toBe(true);
  });
});

describe('the search index (sorted once per load, folded once per key)', () => {
  /** queryKeys as it was before the index kept sorted orders: filter, then sort the matches. */
  function reference(keys: readonly KeyView[], q: KeyQuery): string[] {
    const slowFold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const words = slowFold(q.text).split(/\s+/).filter((w) => w.length > 0);
    const found = (k: KeyView, w: string) =>
      slowFold([k.name, k.service, k.application ?? ''].join('\u0000')).includes(w) ||
      (w.length >= 4 ? slowFold(k.credential_id).includes(w) : slowFold(k.credential_id) === w);
    const matching = indexKeys(keys).filter((e) => matchesFilter(e.key, q.status) && words.every((w) => found(e.key, w)));
    matching.sort(compareEntries(q.sort));
    return matching.map((e) => e.key.id);
  }

  // Many keys, with creation times that repeat (ties), unreadable dates, accents and statuses.
  const SERVICES = ['Payments API', 'Maps', 'Café stats', 'Ünïcode', 'billing', 'ＦＵＬＬ width'];
  const STATUSES: RotationStatus[] = ['ok', 'due_soon', 'overdue'];
  const MANY: KeyView[] = Array.from({ length: 600 }, (_, i) => {
    const service = SERVICES[(i * 7) % SERVICES.length];
    const created = i % 37 === 0 ? 'not a date' : new Date(Date.UTC(2026, 0, 1 + (i % 50), (i * 13) % 24)).toISOString();
    const k = key(
      `id-${(i * 7919) % 1000}`,
      `${service.toLowerCase().replace(/\s+/g, '-')}-${i % 90}`,
      service,
      i % 3 ? `App ${i % 11}` : null,
      created,
      STATUSES[i % 3],
      (i % 3) * 20 - 30 + (i % 7),
    );
    // Credential IDs that a search's words can find: a few short ones, found only whole.
    const credential = i % 29 === 0 ? 'abc' : `kwid_ABCD${(i * 31) % 97}x${i % 13}`;
    return i % 17 === 0 ? { ...k, credential_id: credential, replaced_by: 'someone', attention: 'delete' as const } : { ...k, credential_id: credential };
  });
  const index = indexKeys(MANY);

  it('gives the same keys in the same order as filtering and then sorting', () => {
    const texts = ['', 'p', 'pa', 'pay', 'cafe', 'CAFÉ', 'unicode', 'full', 'app 1', '  maps   7 ', 'zzz', 'abc', 'abcd', 'KWID_abcd4', 'd4x'];
    const statuses: StatusFilter[] = ['all', 'needs_rotating', 'ok', 'due_soon', 'overdue', 'replaced'];
    const sorts: SortOrder[] = SORT_COLUMNS.flatMap((column) => [`${column}-ascending`, `${column}-descending`] as const);
    for (const text of texts)
      for (const status of statuses)
        for (const sort of sorts) {
          const q = { text, status, sort };
          expect(names(queryKeys(index, q)), JSON.stringify(q)).toEqual(reference(MANY, q));
        }
  });

  it('gives the same answers while a search is typed on, erased and typed again, under every filter', () => {
    // A fresh index, so nothing is remembered from the test above.
    const typed = indexKeys(MANY);
    const word = 'payments api 4';
    const forward = Array.from({ length: word.length + 1 }, (_, i) => word.slice(0, i));
    const credential = 'kwid_abcd12x5';
    const typedId = Array.from({ length: credential.length + 1 }, (_, i) => credential.slice(0, i));
    const texts = [...forward, ...forward.slice(0, -1).reverse(), 'cafe', 'café s', 'app 1', 'app 10', 'app 1', 'app', ' app  1 ', ...typedId, 'ab', 'abc', 'abcd', 'app abc', 'app abcd'];
    const statuses: StatusFilter[] = ['all', 'needs_rotating', 'replaced'];
    for (const status of statuses)
      for (const sort of ['age-ascending', 'rotation-ascending'] as const)
        for (const text of texts) {
          const q = { text, status, sort };
          expect(names(queryKeys(typed, q)), JSON.stringify(q)).toEqual(reference(MANY, q));
        }
  });

  it('answers a search asked again from memory, and a new list afresh', () => {
    const q = { ...DEFAULT_QUERY, text: 'maps' };
    const first = queryKeys(index, q);
    expect(queryKeys(index, { ...q, text: ' MAPS ' })).toBe(first);
    const reloaded = indexKeys(MANY.slice(1));
    expect(queryKeys(reloaded, q)).not.toBe(first);
    expect(names(queryKeys(reloaded, q))).toEqual(reference(MANY.slice(1), q));
  });

  it('sorts each index once per order and keeps it', () => {
    const newest = sortedIndex(index, 'age-ascending');
    expect(sortedIndex(index, 'age-ascending')).toBe(newest);
    expect(sortedIndex(index, 'age-descending')).not.toBe(newest);
    expect(sortedIndex(index, 'age-descending')).toBe(sortedIndex(index, 'age-descending'));
    // A new index (a reloaded list) is sorted afresh.
    expect(sortedIndex(indexKeys(MANY), 'age-ascending')).not.toBe(newest);
  });

  it('does not reorder the index itself', () => {
    const before = [...index];
    sortedIndex(index, 'age-descending');
    expect(index).toEqual(before);
  });

  it('folds ASCII text the same way as any other text', () => {
    for (const text of ['', 'Payments-API_01', 'MAPS 12:30', '\u0000tab\tand~', 'Café', 'ＦＵＬＬ', 'Ångström', 'İstanbul'])
      expect(fold(text)).toBe(text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
  });
});

describe('prepareQueries', () => {
  it('sorts the index in the order shown ahead of the first query', () => {
    const index = indexKeys(KEYS);
    prepareQueries(index, 'name-descending');
    const byName = sortedIndex(index, 'name-descending');
    prepareQueries(index, 'name-descending');
    expect(sortedIndex(index, 'name-descending')).toBe(byName);
    expect(byName.length).toBe(KEYS.length);
  });
});

describe('the default order (what needs doing first)', () => {
  const NOW = new Date('2026-11-27T12:00:00Z');
  const at = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
  const KEYS2: KeyView[] = [
    key('new', 'new', 'S', null, at(1), 'ok', 90),
    key('late-a-bit', 'late-a-bit', 'S', null, at(95), 'overdue', -3),
    key('soon-later', 'soon-later', 'S', null, at(80), 'due_soon', 12),
    key('very-late', 'very-late', 'S', null, at(300), 'overdue', -208),
    key('soon', 'soon', 'S', null, at(88), 'due_soon', 2),
    key('older-ok', 'older-ok', 'S', null, at(40), 'ok', 50),
    // Replaced and past its delete-after date: to be deleted, after the overdue keys.
    { ...key('delete-me', 'delete-me', 'S', null, at(200), 'overdue', -110), replaced_by: 'new', delete_after: at(3), attention: 'delete' },
    // Replaced, still within its grace period: nothing to do yet, listed by age.
    { ...key('grace', 'grace', 'S', null, at(20), 'ok', 70), replaced_by: 'new', delete_after: new Date(NOW.getTime() + 86_400_000).toISOString(), attention: 'none' },
    { ...key('leaked', 'leaked', 'S', null, at(2), 'ok', 89), leaked: true, attention: 'rotate' } as KeyView,
  ];

  it('lists leaked, overdue (most overdue first), to delete, due soon (soonest first), then the rest oldest first', () => {
    const sorted = queryKeys(indexKeys(KEYS2), DEFAULT_QUERY);
    expect(names(sorted)).toEqual(['leaked', 'very-late', 'late-a-bit', 'delete-me', 'soon', 'soon-later', 'older-ok', 'grace', 'new']);
  });
});

describe('sorting by a column header', () => {
  it('sorts a new column ascending and turns the sorted one around', () => {
    expect(DEFAULT_SORT).toBe('rotation-ascending');
    expect(nextSort('rotation-ascending', 'name')).toBe('name-ascending');
    expect(nextSort('name-ascending', 'name')).toBe('name-descending');
    expect(nextSort('name-descending', 'name')).toBe('name-ascending');
    expect(nextSort('name-descending', 'age')).toBe('age-ascending');
  });

  it('knows a sort order read back from storage', () => {
    expect(isSortOrder('service-descending')).toBe(true);
    for (const bad of ['newest', 'oldest', 'rotation', 'notes-ascending', 'age-up', '', null, 3]) expect(isSortOrder(bad), String(bad)).toBe(false);
  });
});

describe('finding a key by its credential ID', () => {
  const withIds = [
    { ...KEYS[0], credential_id: 'kwid_UUe7Hq2pLmN9xR4t' },
    { ...KEYS[1], credential_id: 'AKIA5EXAMPLE' },
    { ...KEYS[2], credential_id: 'abc' },
  ];
  const find = (text: string) => names(queryKeys(indexKeys(withIds), { ...DEFAULT_QUERY, text }));

  it('finds a key by its whole credential ID, ignoring case', () => {
    expect(find('kwid_UUe7Hq2pLmN9xR4t')).toEqual(['a']);
    expect(find('akia5example')).toEqual(['b']);
  });

  it('finds a key by a fragment of at least four characters', () => {
    expect(find('UUe7')).toEqual(['a']);
    expect(find('lmn9x')).toEqual(['a']);
    expect(find('5exa')).toEqual(['b']);
  });

  it('does not find a key by a fragment shorter than four characters, but a whole short ID does', () => {
    expect(find('UUe')).toEqual([]);
    expect(find('ab')).toEqual([]);
    expect(find('abc')).toEqual(['c']);
  });

  it('finds the key once "UUe" is typed on to "UUe7" after finding nothing', () => {
    const index = indexKeys(withIds);
    expect(names(queryKeys(index, { ...DEFAULT_QUERY, text: 'UUe' }))).toEqual([]);
    expect(names(queryKeys(index, { ...DEFAULT_QUERY, text: 'UUe7' }))).toEqual(['a']);
  });
});
