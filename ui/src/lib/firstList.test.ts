import { describe, expect, it } from 'vitest';
import { FIRST_LIST_ID, takeFirstList, type Page } from './firstList';

/** A page whose list element holds `block` and `total` in its attributes (no element when null). */
function page(block: string | null, total: string | null = '1'): Page & { blocks: number } {
  const state = { blocks: block === null ? 0 : 1 };
  return {
    get blocks() {
      return state.blocks;
    },
    getElementById(id: string) {
      if (id !== FIRST_LIST_ID || state.blocks === 0) return null;
      return {
        getAttribute: (name: string) => (name === 'data-keys' ? block : name === 'data-total' ? total : null),
        remove: () => void (state.blocks = 0),
      };
    },
  };
}

describe('takeFirstList', () => {
  it('reads the list written into the page and removes it', () => {
    // As src-tauri/first_page.rs writes it: <, >, & and _ as JSON escapes.
    const doc = page('[{"id":"k1","name":"payments-api-26\\u005f08\\u005f2026-09\\u005f48","notes":"\\u003cb\\u003e \\u0026"}]');
    const first = takeFirstList(doc);
    expect(first?.total).toBe(1);
    expect(first!.keys.map((key) => [key.id, key.name, key.notes])).toEqual([['k1', 'payments-api-26_08_2026-09_48', '<b> &']]);
    expect(doc.blocks).toBe(0);
    expect(takeFirstList(doc)).toBeNull();
  });

  it('leaves the page to ask the back end when there is no list', () => {
    expect(takeFirstList(page(null))).toBeNull();
  });

  it('tells a first screen from the whole list', () => {
    const first = takeFirstList(page('[{"id":"k1"},{"id":"k2"}]', '10000'));
    expect(first?.keys.length).toBe(2);
    expect(first?.total).toBe(10000);
  });

  it('ignores a total that is missing or smaller than the list', () => {
    for (const total of [null, '', 'many', '1', '-3', '2.5']) {
      expect(takeFirstList(page('[{"id":"k1"},{"id":"k2"}]', total)), String(total)).toBeNull();
    }
  });

  it('ignores a block that is not a list, and still removes it', () => {
    for (const bad of ['', '{"id":"k1"}', '[{"id":', 'null']) {
      const doc = page(bad);
      expect(takeFirstList(doc)).toBeNull();
      expect(doc.blocks).toBe(0);
    }
  });
});
