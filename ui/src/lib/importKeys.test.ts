import { describe, expect, it } from 'vitest';
import {
  FIELDS,
  FORMATS,
  importProgressWords,
  isImporting,
  mapColumn,
  mappingProblem,
  previewSummary,
  refusalGroups,
  resultWords,
} from './importKeys';
import type { ImportResult, ImportStatus, Preview, Refusal } from './types';

function preview(patch: Partial<Preview> = {}): Preview {
  return {
    format: 'csv',
    columns: ['Vendor', 'Key', 'Token', 'Made'],
    mapping: [null, null, null, null],
    total: 3,
    sample: [],
    ready: [],
    refused: [],
    ...patch,
  };
}

function status(patch: Partial<ImportStatus>): ImportStatus {
  return { state: 'idle', path: null, done: 0, total: 0, result: null, error: null, ...patch };
}

const REFUSED: Refusal[] = [
  { row: 3, kind: 'missing_secret', reason: 'No secret (the credential secret is empty).' },
  { row: 4, kind: 'already_in_keyward', reason: 'Keyward already has this credential ID, as the key "a"; skipped.' },
  { row: 7, kind: 'bad_date', reason: 'The created date "x" is not a date Keyward understands.' },
  { row: 9, kind: 'already_in_keyward', reason: 'Keyward already has this credential ID, as the key "b"; skipped.' },
];

describe('column mapping', () => {
  it('maps a column to a field and frees the column that had that field before', () => {
    const once = mapColumn([null, null, null, null], 2, 'secret');
    expect(once).toEqual([null, null, 'secret', null]);
    const moved = mapColumn(once, 1, 'secret');
    expect(moved).toEqual([null, 'secret', null, null]);
    expect(mapColumn(moved, 1, null)).toEqual([null, null, null, null]);
  });

  it('says in words which fields a key needs before the import can start', () => {
    expect(mappingProblem([null, null, null, null])).toBe(
      'Choose the columns that hold the credential ID and the secret.',
    );
    expect(mappingProblem(['service', 'credential_id', null, null])).toBe('Choose the column that holds the secret.');
    expect(mappingProblem(['service', 'credential_id', 'secret', 'created'])).toBeNull();
  });

  it('offers every field and every format with a label', () => {
    expect(FIELDS.map((f) => f.value)).toEqual([
      'name',
      'service',
      'application',
      'credential_id',
      'secret',
      'created',
      'notes',
      'owner',
      'vendor',
    ]);
    expect(FORMATS.map((f) => f.value)).toEqual(['csv', 'keepassxc', 'bitwarden']);
    for (const option of [...FIELDS, ...FORMATS]) expect(option.label.length).toBeGreaterThan(2);
  });
});

describe('preview words', () => {
  it('count the keys to import and the rows left out, in plain words', () => {
    const p = preview({ total: 6, ready: [{ row: 2, name: 'a', service: 's', application: null, credential_id: 'c', created_at: '2026-01-01T00:00:00Z' }], refused: REFUSED });
    expect(previewSummary(p)).toBe('The file has 6 rows: 1 key will be imported, 4 rows will not.');
    expect(previewSummary(preview({ total: 1, ready: [], refused: [] }))).toBe('The file has 1 row: no key will be imported.');
  });

  it('groups the refused rows: skipped ones (already there) apart from the ones to fix', () => {
    const groups = refusalGroups(REFUSED);
    expect(groups.skipped.map((r) => r.row)).toEqual([4, 9]);
    expect(groups.toFix.map((r) => r.row)).toEqual([3, 7]);
  });
});

describe('import progress and result', () => {
  it('says how far an import is and that cancelling keeps what is done', () => {
    expect(isImporting(status({ state: 'importing' }))).toBe(true);
    expect(isImporting(status({ state: 'done' }))).toBe(false);
    expect(importProgressWords(status({ state: 'importing', done: 2500, total: 10000 }))).toBe(
      'Imported 2,500 of 10,000 keys…',
    );
  });

  it('sums up the result, the failures and a cancelled import', () => {
    const result: ImportResult = {
      imported: 3,
      names: ['a', 'b', 'c'],
      refused: REFUSED,
      failed: [],
      cancelled: false,
      source_deletable: false,
    };
    expect(resultWords(result)).toBe('Imported 3 keys. 2 rows were skipped (already in Keyward, or repeated in the file). 2 rows were not imported.');
    expect(resultWords({ ...result, imported: 1, refused: [], cancelled: true })).toBe(
      'Stopped after 1 key. Import the same file again to continue: keys already imported are skipped.',
    );
    const failed = { ...result, refused: [], failed: [{ row: 5, error: { code: 'keychain_locked' as const, message: 'locked' } }] };
    expect(resultWords(failed)).toBe('Imported 3 keys. 1 row could not be written (nothing of it was kept).');
  });
});
