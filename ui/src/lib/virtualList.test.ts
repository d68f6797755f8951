import { describe, expect, it } from 'vitest';
import { assignSlots, contentHeight, indicesToRender, moveFocus, rowsPerPage, scrollTopToReveal, visibleRange } from './virtualList';

describe('visibleRange', () => {
  it('renders the rows in view plus the overscan at the top of the list', () => {
    // 500 px viewport, 50 px rows: rows 0..9 in view, 3 more below.
    expect(visibleRange(0, 500, 50, 10_000, 3)).toEqual({ start: 0, end: 13 });
  });

  it('includes partly visible rows at both edges', () => {
    // scrollTop 125: row 2 is half visible at the top, row 12 half visible at the bottom.
    expect(visibleRange(125, 500, 50, 10_000, 0)).toEqual({ start: 2, end: 13 });
  });

  it('adds overscan on both sides in the middle of the list', () => {
    expect(visibleRange(5_000, 500, 50, 10_000, 2)).toEqual({ start: 98, end: 112 });
  });

  it('stops at the end of the list', () => {
    expect(visibleRange(499_500, 500, 50, 10_000, 3)).toEqual({ start: 9_987, end: 10_000 });
  });

  it('keeps the range inside the list when scrolled past the end (elastic scrolling)', () => {
    const range = visibleRange(1_000_000, 500, 50, 10, 3);
    expect(range.end).toBe(10);
    expect(range.start).toBeLessThanOrEqual(range.end);
    expect(range.start).toBeGreaterThanOrEqual(0);
  });

  it('treats a negative scroll position (bounce) as the top', () => {
    expect(visibleRange(-40, 500, 50, 100, 0)).toEqual({ start: 0, end: 10 });
  });

  it('renders nothing for an empty list', () => {
    expect(visibleRange(0, 500, 50, 0, 3)).toEqual({ start: 0, end: 0 });
  });

  it('renders at least the first row when the viewport has no height yet', () => {
    expect(visibleRange(0, 0, 50, 100, 0)).toEqual({ start: 0, end: 1 });
  });

  it('keeps the DOM small for 10,000 keys', () => {
    const { start, end } = visibleRange(123_456, 700, 56, 10_000, 4);
    expect(end - start, 'only the visible slice and overscan are rendered').toBeLessThanOrEqual(Math.ceil(700 / 56) + 1 + 8);
  });
});

describe('contentHeight', () => {
  it('is rows times row height', () => {
    expect(contentHeight(10_000, 56)).toBe(560_000);
    expect(contentHeight(0, 56)).toBe(0);
  });
});

describe('indicesToRender', () => {
  it('is the range when the focused row is inside it', () => {
    expect(indicesToRender({ start: 3, end: 6 }, 4, 100)).toEqual([3, 4, 5]);
  });

  it('keeps a focused row that scrolled away, in order', () => {
    expect(indicesToRender({ start: 10, end: 13 }, 2, 100)).toEqual([2, 10, 11, 12]);
    expect(indicesToRender({ start: 10, end: 13 }, 50, 100)).toEqual([10, 11, 12, 50]);
  });

  it('ignores a focused row that is no longer in the list', () => {
    expect(indicesToRender({ start: 0, end: 2 }, 7, 2)).toEqual([0, 1]);
    expect(indicesToRender({ start: 0, end: 2 }, null, 2)).toEqual([0, 1]);
  });
});

describe('scrollTopToReveal', () => {
  it('does not move when the row is already in view', () => {
    expect(scrollTopToReveal(3, 100, 500, 50)).toBe(100);
  });

  it('scrolls up to put a row above the view at the top', () => {
    expect(scrollTopToReveal(1, 100, 500, 50)).toBe(50);
  });

  it('scrolls down just enough to put a row below the view at the bottom', () => {
    expect(scrollTopToReveal(20, 0, 500, 50)).toBe(550);
  });
});

describe('rowsPerPage', () => {
  it('counts whole rows and never less than one', () => {
    expect(rowsPerPage(500, 56)).toBe(8);
    expect(rowsPerPage(10, 56)).toBe(1);
  });
});

describe('moveFocus', () => {
  it('moves one row with the arrow keys, stopping at the ends', () => {
    expect(moveFocus('ArrowDown', 0, 5, 3)).toBe(1);
    expect(moveFocus('ArrowDown', 4, 5, 3)).toBe(4);
    expect(moveFocus('ArrowUp', 0, 5, 3)).toBe(0);
  });

  it('moves a page with Page Up and Page Down', () => {
    expect(moveFocus('PageDown', 1, 100, 8)).toBe(9);
    expect(moveFocus('PageUp', 5, 100, 8)).toBe(0);
  });

  it('jumps to the ends with Home and End', () => {
    expect(moveFocus('Home', 50, 100, 8)).toBe(0);
    expect(moveFocus('End', 50, 100, 8)).toBe(99);
  });

  it('ignores other keys and empty lists', () => {
    expect(moveFocus('Enter', 1, 5, 3)).toBeNull();
    expect(moveFocus('ArrowDown', 0, 0, 3)).toBeNull();
  });
});

describe('assignSlots', () => {
  const slotsOf = (m: Map<number, number>, indices: number[]) => indices.map((i) => m.get(i));

  it('fills the first slots on the first render', () => {
    const m = assignSlots(new Map(), [0, 1, 2, 3]);
    expect(slotsOf(m, [0, 1, 2, 3])).toEqual([0, 1, 2, 3]);
  });

  it('keeps the slot of every row that stays when scrolling, and reuses the one that left', () => {
    const first = assignSlots(new Map(), [0, 1, 2, 3]);
    const next = assignSlots(first, [1, 2, 3, 4]);
    expect(slotsOf(next, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(next.get(4)).toBe(0);
  });

  it('gives every index its own slot, all below the number of rows', () => {
    let m: Map<number, number> = new Map();
    for (const indices of [[0, 1, 2, 3, 4], [3, 4, 5, 6, 7], [40, 41, 42], [2, 40, 41, 42, 43], [0, 1, 2, 3, 4, 5]]) {
      m = assignSlots(m, indices);
      const slots = slotsOf(m, indices);
      expect(new Set(slots).size).toBe(indices.length);
      expect(slots.every((s) => s !== undefined && s < indices.length)).toBe(true);
      expect(m.size).toBe(indices.length);
    }
  });

  it('keeps the rows in place when the same positions show new items (a new search)', () => {
    const first = assignSlots(new Map(), [0, 1, 2]);
    expect(assignSlots(first, [0, 1, 2])).toEqual(first);
  });
});
