/**
 * The arithmetic of a list that renders only the rows in view.
 *
 * Rows have one fixed height. A range is `[start, end)` over item indices, always within
 * `[0, count]`. Nothing here touches the DOM, so it is tested on its own.
 */

export interface RowRange {
  /** First index to render. */
  start: number;
  /** One past the last index to render. */
  end: number;
}

/** Height of the scrollable content, in pixels. */
export function contentHeight(count: number, rowHeight: number): number {
  return Math.max(0, count) * rowHeight;
}

/**
 * The rows to render for a scroll position: the rows at least partly in view plus `overscan`
 * rows on each side, so that fast scrolling does not show blank space.
 */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan: number): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const firstInView = Math.min(count - 1, Math.floor(top / rowHeight));
  const lastInView = Math.min(count - 1, Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight) - 1);
  return {
    start: Math.max(0, firstInView - overscan),
    end: Math.min(count, Math.max(firstInView, lastInView) + 1 + overscan),
  };
}

/**
 * The indices to put in the DOM: the range, plus the `pinned` row (the one that has keyboard
 * focus) when it has scrolled away, so that focus is never lost to a removed element.
 */
export function indicesToRender(range: RowRange, pinned: number | null, count: number): number[] {
  const indices: number[] = [];
  if (pinned !== null && pinned >= 0 && pinned < count && pinned < range.start) indices.push(pinned);
  for (let i = range.start; i < range.end; i += 1) indices.push(i);
  if (pinned !== null && pinned >= 0 && pinned < count && pinned >= range.end) indices.push(pinned);
  return indices;
}

/**
 * Which DOM row ("slot") shows each rendered index. An index that stays rendered keeps its slot;
 * the others take the slots left free, lowest first. So scrolling fills only the rows that came
 * into view, and a new search result is written into the same rows instead of replacing them all.
 * Slots stay below `indices.length`. `previous` (the last assignment) is not changed.
 */
export function assignSlots(previous: ReadonlyMap<number, number>, indices: readonly number[]): Map<number, number> {
  const next = new Map<number, number>();
  const taken = new Set<number>();
  for (const index of indices) {
    const slot = previous.get(index);
    if (slot !== undefined && slot < indices.length) {
      next.set(index, slot);
      taken.add(slot);
    }
  }
  let free = 0;
  for (const index of indices) {
    if (next.has(index)) continue;
    while (taken.has(free)) free += 1;
    next.set(index, free);
    taken.add(free);
  }
  return next;
}

/** The smallest scroll change that shows row `index` whole; the current position when it already is. */
export function scrollTopToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return scrollTop;
}

/** Whole rows that fit in the viewport (at least one), for Page Up and Page Down. */
export function rowsPerPage(viewportHeight: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewportHeight / rowHeight));
}

/**
 * Where a key press moves the focused row, or null when the key is not a list key.
 * Arrow keys move one row, Page keys one page, Home and End to the ends.
 */
export function moveFocus(key: string, index: number, count: number, pageSize: number): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const clamp = (i: number) => Math.min(last, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
      return clamp(index + 1);
    case 'ArrowUp':
      return clamp(index - 1);
    case 'PageDown':
      return clamp(index + pageSize);
    case 'PageUp':
      return clamp(index - pageSize);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
