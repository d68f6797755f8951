import { describe, expect, it } from 'vitest';
import { DEFAULT_SORT } from './keyQuery';
import { loadSort, saveSort, SORT_STORAGE_KEY, type SortStorage } from './sortPreference';

function memory(initial: Record<string, string> = {}): SortStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => (key in data ? data[key] : null),
    setItem: (key, value) => {
      data[key] = value;
    },
  };
}

describe('the remembered sort order', () => {
  it('opens on the default order the first time', () => {
    expect(loadSort(memory())).toBe(DEFAULT_SORT);
    expect(loadSort(null)).toBe(DEFAULT_SORT);
  });

  it('opens on the order chosen last time', () => {
    const storage = memory();
    saveSort('name-descending', storage);
    expect(storage.data[SORT_STORAGE_KEY]).toBe('name-descending');
    expect(loadSort(storage)).toBe('name-descending');
  });

  it('ignores an order it does not know (an older version wrote "newest")', () => {
    expect(loadSort(memory({ [SORT_STORAGE_KEY]: 'newest' }))).toBe(DEFAULT_SORT);
  });

  it('never throws when the storage refuses', () => {
    const refusing: SortStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadSort(refusing)).toBe(DEFAULT_SORT);
    expect(() => saveSort('age-ascending', refusing)).not.toThrow();
  });
});
