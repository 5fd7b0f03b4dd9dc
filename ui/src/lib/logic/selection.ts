// Multi-select over a list, the way file managers do it: click, Ctrl/Cmd-click, Shift-click, arrows.

export interface Selection {
  /** Indices into the visible rows. */
  selected: Set<number>;
  /** The row keyboard actions start from. */
  cursor: number;
  /** Where a Shift range starts. */
  anchor: number;
}

export function emptySelection(): Selection {
  return { selected: new Set(), cursor: -1, anchor: -1 };
}

export interface ClickModifiers {
  toggle: boolean; // Ctrl on Linux/Windows, Cmd on macOS
  range: boolean; // Shift
}

function range(from: number, to: number): Set<number> {
  const [low, high] = from <= to ? [from, to] : [to, from];
  const indices = new Set<number>();
  for (let i = low; i <= high; i += 1) indices.add(i);
  return indices;
}

export function click(current: Selection, index: number, modifiers: ClickModifiers): Selection {
  if (modifiers.range && current.anchor >= 0) {
    const selected = range(current.anchor, index);
    if (modifiers.toggle) {
      for (const i of current.selected) selected.add(i);
    }
    return { selected, cursor: index, anchor: current.anchor };
  }
  if (modifiers.toggle) {
    const selected = new Set(current.selected);
    if (selected.has(index)) selected.delete(index);
    else selected.add(index);
    return { selected, cursor: index, anchor: index };
  }
  return { selected: new Set([index]), cursor: index, anchor: index };
}

/** Moves the cursor by `delta` rows (clamped); with Shift the selection grows from the anchor. */
export function move(current: Selection, delta: number, count: number, extend: boolean): Selection {
  if (count === 0) {
    return emptySelection();
  }
  const start = current.cursor < 0 ? (delta > 0 ? -1 : count) : current.cursor;
  const cursor = Math.max(0, Math.min(count - 1, start + delta));
  if (extend) {
    const anchor = current.anchor < 0 ? cursor : current.anchor;
    return { selected: range(anchor, cursor), cursor, anchor };
  }
  return { selected: new Set([cursor]), cursor, anchor: cursor };
}

export function selectAll(count: number): Selection {
  return { selected: range(0, count - 1), cursor: count > 0 ? 0 : -1, anchor: 0 };
}

/** The selected indices in list order. */
export function orderedIndices(selection: Selection): number[] {
  return [...selection.selected].sort((a, b) => a - b);
}

/**
 * The selection over `after` that selects the same rows it selected over `before` (rows arrived and were
 * inserted above them, or the listing was fetched again): selected rows, the cursor and the range anchor follow
 * their rows. Rows are the same when `key` says so: a listing fetched again has new objects for the same rows.
 */
export function followRows<T>(
  current: Selection,
  before: readonly T[],
  after: readonly T[],
  key: (row: T) => unknown = (row) => row,
): Selection {
  if (current.selected.size === 0 && current.cursor < 0 && current.anchor < 0) return current;
  const wanted = new Map<unknown, number>();
  for (const index of [...current.selected, current.cursor, current.anchor]) {
    const row = before[index];
    if (row !== undefined) wanted.set(key(row), -1);
  }
  after.forEach((row, index) => {
    const k = key(row);
    if (wanted.has(k)) wanted.set(k, index);
  });
  const moved = (index: number) => {
    const row = before[index];
    return row === undefined ? -1 : (wanted.get(key(row)) ?? -1);
  };
  const selected = new Set<number>();
  for (const index of current.selected) {
    const now = moved(index);
    if (now >= 0) selected.add(now);
  }
  return { selected, cursor: moved(current.cursor), anchor: moved(current.anchor) };
}
