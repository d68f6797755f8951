import { describe, expect, it } from 'vitest';
import { countByStatus, DEFAULT_QUERY, fold, indexKeys, isFiltering, matchesFilter, needsRotatingQuery, prepareQueries, queryKeys, sortedIndex, type KeyQuery, type SortOrder, type StatusFilter } from './keyQuery';
import type { KeyView, RotationStatus } from './types';

function key(id: string, name: string, service: string, application: string | null, created: string, status: RotationStatus = 'ok'): KeyView {
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
    days_until_due: 10,
    last_copied_at: null,
    last_revealed_at: null,
    replaced_by: null,
    delete_after: null,
    snoozed_until: null,
  };
}

const KEYS: KeyView[] = [
  key('a', 'payments-api-01_09_2026-10_00', 'Payments API', 'Billing app', '2026-09-01T10:00:00Z', 'due_soon'),
  key('b', 'maps-12_06_2026-08_30', 'Maps', null, '2026-06-12T08:30:00Z', 'overdue'),
  key('c', 'payments-api-20_11_2026-16_45', 'Payments API', 'Shop website', '2026-11-20T16:45:00Z', 'ok'),
  key('d', 'café-stats-01_11_2026-09_00', 'Café stats', 'Reports', '2026-11-01T09:00:00+02:00', 'ok'),
];

const names = (keys: readonly KeyView[]) => keys.map((k) => k.id);
const query = (patch: Partial<KeyQuery>) => queryKeys(indexKeys(KEYS), { ...DEFAULT_QUERY, ...patch });

describe('queryKeys', () => {
  it('lists every key newest first by default', () => {
    expect(names(query({}))).toEqual(['c', 'd', 'a', 'b']);
  });

  it('lists oldest first on request', () => {
    expect(names(query({ sort: 'oldest' }))).toEqual(['b', 'a', 'd', 'c']);
  });

  it('compares creation times, not their text, across time zones', () => {
    const early = key('x', 'x', 'X', null, '2026-11-01T09:00:00+02:00'); // 07:00 UTC
    const late = key('y', 'y', 'Y', null, '2026-11-01T08:00:00Z');
    expect(names(queryKeys(indexKeys([early, late]), { ...DEFAULT_QUERY, sort: 'oldest' }))).toEqual(['x', 'y']);
  });

  it('searches name, service and application, ignoring case', () => {
    expect(names(query({ text: 'PAYMENTS' }))).toEqual(['c', 'a']);
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
  });

  it('leaves the input list untouched', () => {
    const before = names(KEYS);
    query({ sort: 'oldest' });
    expect(names(KEYS)).toEqual(before);
  });

  it('handles 10,000 keys quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      key(String(i), `service-${i % 97}-${i}`, `Service ${i % 97}`, i % 3 ? `App ${i % 11}` : null, new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString()),
    );
    const index = indexKeys(many);
    const started = performance.now();
    const found = queryKeys(index, { text: 'service 42', sort: 'oldest', status: 'all' });
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
  const withReplaced = [...KEYS, { ...key('e', 'maps-01_01_2026-08_00', 'Maps', null, '2026-01-01T08:00:00Z', 'overdue'), replaced_by: 'b' }];
  const show = (status: KeyQuery['status']) => names(queryKeys(indexKeys(withReplaced), { ...DEFAULT_QUERY, status }));

  it('shows keys due soon and overdue, but not replaced ones', () => {
    expect(show('needs_rotating')).toEqual(['a', 'b']);
  });

  it('opens on exactly the keys that need rotating from the tray, whatever was shown before', () => {
    const before: KeyQuery = { text: 'payments', sort: 'oldest', status: 'ok' };
    const opened = needsRotatingQuery(before);
    expect(opened).toEqual({ text: '', sort: 'oldest', status: 'needs_rotating' });
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
    expect(isFiltering({ ...DEFAULT_QUERY, sort: 'oldest' })).toBe(false);
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
    const entries = keys.map((k) => {
      const created = Date.parse(k.created_at);
      return { key: k, haystack: slowFold([k.name, k.service, k.application ?? ''].join('\u0000')), createdMs: Number.isNaN(created) ? 0 : created };
    });
    const matching = entries.filter((e) => matchesFilter(e.key, q.status) && words.every((w) => e.haystack.includes(w)));
    const direction = q.sort === 'newest' ? -1 : 1;
    matching.sort((a, b) => direction * (a.createdMs - b.createdMs) || a.key.name.localeCompare(b.key.name) || a.key.id.localeCompare(b.key.id));
    return matching.map((e) => e.key.id);
  }

  // Many keys, with creation times that repeat (ties), unreadable dates, accents and statuses.
  const SERVICES = ['Payments API', 'Maps', 'Café stats', 'Ünïcode', 'billing', 'ＦＵＬＬ width'];
  const STATUSES: RotationStatus[] = ['ok', 'due_soon', 'overdue'];
  const MANY: KeyView[] = Array.from({ length: 600 }, (_, i) => {
    const service = SERVICES[(i * 7) % SERVICES.length];
    const created = i % 37 === 0 ? 'not a date' : new Date(Date.UTC(2026, 0, 1 + (i % 50), (i * 13) % 24)).toISOString();
    const k = key(`id-${(i * 7919) % 1000}`, `${service.toLowerCase().replace(/\s+/g, '-')}-${i % 90}`, service, i % 3 ? `App ${i % 11}` : null, created, STATUSES[i % 3]);
    return i % 17 === 0 ? { ...k, replaced_by: 'someone' } : k;
  });
  const index = indexKeys(MANY);

  it('gives the same keys in the same order as filtering and then sorting', () => {
    const texts = ['', 'p', 'pa', 'pay', 'cafe', 'CAFÉ', 'unicode', 'full', 'app 1', '  maps   7 ', 'zzz'];
    const statuses: StatusFilter[] = ['all', 'needs_rotating', 'ok', 'due_soon', 'overdue', 'replaced'];
    const sorts: SortOrder[] = ['newest', 'oldest'];
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
    const texts = [...forward, ...forward.slice(0, -1).reverse(), 'cafe', 'café s', 'app 1', 'app 10', 'app 1', 'app', ' app  1 '];
    const statuses: StatusFilter[] = ['all', 'needs_rotating', 'replaced'];
    for (const status of statuses)
      for (const sort of ['newest', 'oldest'] as const)
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
    const newest = sortedIndex(index, 'newest');
    expect(sortedIndex(index, 'newest')).toBe(newest);
    expect(sortedIndex(index, 'oldest')).not.toBe(newest);
    expect(sortedIndex(index, 'oldest')).toBe(sortedIndex(index, 'oldest'));
    // A new index (a reloaded list) is sorted afresh.
    expect(sortedIndex(indexKeys(MANY), 'newest')).not.toBe(newest);
  });

  it('does not reorder the index itself', () => {
    const before = [...index];
    sortedIndex(index, 'oldest');
    expect(index).toEqual(before);
  });

  it('folds ASCII text the same way as any other text', () => {
    for (const text of ['', 'Payments-API_01', 'MAPS 12:30', '\u0000tab\tand~', 'Café', 'ＦＵＬＬ', 'Ångström', 'İstanbul'])
      expect(fold(text)).toBe(text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
  });
});

describe('prepareQueries', () => {
  it('sorts the index both ways ahead of the first query', () => {
    const index = indexKeys(KEYS);
    prepareQueries(index);
    const newest = sortedIndex(index, 'newest');
    const oldest = sortedIndex(index, 'oldest');
    prepareQueries(index);
    expect(sortedIndex(index, 'newest')).toBe(newest);
    expect(sortedIndex(index, 'oldest')).toBe(oldest);
    expect(newest.length).toBe(KEYS.length);
  });
});
