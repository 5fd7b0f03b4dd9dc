// Which rows of a long list are worth putting in the page: the visible ones and a few around them.

export interface Window {
  first: number;
  last: number; // exclusive
  offset: number; // pixels above the first rendered row
  total: number; // height of all rows
}

export function visibleWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): Window {
  const total = count * rowHeight;
  if (count === 0 || rowHeight <= 0) {
    return { first: 0, last: 0, offset: 0, total };
  }
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, total - viewport)));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + viewport) / rowHeight) + overscan);
  return { first, last, offset: first * rowHeight, total };
}

/** The scrollTop that brings row `index` into view with the least movement. */
export function scrollToReveal(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return scrollTop;
}

/**
 * The scrollTop that keeps the row at the top of the view in place after rows were inserted above it (pages of
 * a long listing arriving), the way browsers anchor scrolling: at the very top the list fills in under the header.
 */
export function anchoredScrollTop<T>(
  before: readonly T[],
  after: readonly T[],
  scrollTop: number,
  rowHeight: number,
): number {
  if (scrollTop <= 0 || rowHeight <= 0) return scrollTop;
  const index = Math.floor(scrollTop / rowHeight);
  const anchor = before[index];
  if (anchor === undefined || after[index] === anchor) return scrollTop;
  const now = after.indexOf(anchor);
  return now < 0 ? scrollTop : scrollTop + (now - index) * rowHeight;
}
