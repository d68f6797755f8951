import { describe, expect, it } from 'vitest';
import { FIRST_LIST_ID, takeFirstList, type Page } from './firstList';

/** A page whose list element holds `block` in its attribute (no element when null). */
function page(block: string | null): Page & { blocks: number } {
  const state = { blocks: block === null ? 0 : 1 };
  return {
    get blocks() {
      return state.blocks;
    },
    getElementById(id: string) {
      if (id !== FIRST_LIST_ID || state.blocks === 0) return null;
      return {
        getAttribute: (name: string) => (name === 'data-keys' ? block : null),
        remove: () => void (state.blocks = 0),
      };
    },
  };
}

describe('takeFirstList', () => {
  it('reads the list written into the page and removes it', () => {
    // As src-tauri/first_page.rs writes it: <, >, & and _ as JSON escapes.
    const doc = page('[{"id":"k1","name":"payments-api-26\\u005f08\\u005f2026-09\\u005f48","notes":"\\u003cb\\u003e \\u0026"}]');
    const keys = takeFirstList(doc);
    expect(keys).not.toBeNull();
    expect(keys!.map((key) => [key.id, key.name, key.notes])).toEqual([['k1', 'payments-api-26_08_2026-09_48', '<b> &']]);
    expect(doc.blocks).toBe(0);
    expect(takeFirstList(doc)).toBeNull();
  });

  it('leaves the page to ask the back end when there is no list', () => {
    expect(takeFirstList(page(null))).toBeNull();
  });

  it('ignores a block that is not a list, and still removes it', () => {
    for (const bad of ['', '{"id":"k1"}', '[{"id":', 'null']) {
      const doc = page(bad);
      expect(takeFirstList(doc)).toBeNull();
      expect(doc.blocks).toBe(0);
    }
  });
});
