// Sorting and filtering the file list; written to stay fast at 100,000 rows.

export interface Row {
  name: string;
  folder: boolean;
  size: number | null;
  modified: string | null;
  version: string | null;
  mime: string | null;
}

export type SortKey = "name" | "type" | "size" | "modified" | "version";
export type SortDirection = "ascending" | "descending";
export interface SortOrder {
  key: SortKey;
  direction: SortDirection;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** The extension people see as the type: "PDF", "CSV"; folders are "Folder". */
export function typeLabel(row: Pick<Row, "name" | "folder">): string {
  if (row.folder) {
    return "Folder";
  }
  const dot = row.name.lastIndexOf(".");
  return dot > 0 && dot < row.name.length - 1 ? row.name.slice(dot + 1).toUpperCase() : "File";
}

function compareOptional<T>(a: T | null, b: T | null, compare: (x: T, y: T) => number): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1; // unknown values sort last in either direction
  if (b === null) return -1;
  return compare(a, b);
}

function timeOf(value: string | null): number | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
}

interface Keyed<T> {
  row: T;
  type: string;
  time: number | null;
}

// Keys are computed once per row, not once per comparison.
function keyed<T extends Row>(row: T, order: SortOrder): Keyed<T> {
  return {
    row,
    type: order.key === "type" ? typeLabel(row) : "",
    time: order.key === "modified" ? timeOf(row.modified) : null,
  };
}

function comparison<T extends Row>(order: SortOrder): (a: Keyed<T>, b: Keyed<T>) => number {
  const sign = order.direction === "ascending" ? 1 : -1;
  return (a, b) => {
    if (a.row.folder !== b.row.folder) {
      return a.row.folder ? -1 : 1;
    }
    let result = 0;
    switch (order.key) {
      case "name":
        result = 0;
        break;
      case "type":
        result = sign * collator.compare(a.type, b.type);
        break;
      case "size":
        result = compareOptional(a.row.size, b.row.size, (x, y) => sign * (x - y));
        break;
      case "modified":
        result = compareOptional(a.time, b.time, (x, y) => sign * (x - y));
        break;
      case "version":
        result = compareOptional(a.row.version, b.row.version, (x, y) => sign * collator.compare(x, y));
        break;
    }
    if (result !== 0) {
      return result;
    }
    const byName = collator.compare(a.row.name, b.row.name);
    return order.key === "name" ? sign * byName : byName;
  };
}

/** A sorted copy: folders first, then by the column, ties broken by name. */
export function sortRows<T extends Row>(rows: readonly T[], order: SortOrder): T[] {
  const rowsKeyed = rows.map((row) => keyed(row, order));
  rowsKeyed.sort(comparison(order));
  return rowsKeyed.map((k) => k.row);
}

/**
 * `sorted` (in `order`) with the rows of a newly arrived page inserted where the order puts them; rows already
 * there keep their relative order and equal rows go after them. A page that sorts after everything (a server
 * listing in the same order) is appended without a comparison per existing row.
 */
export function insertSorted<T extends Row>(sorted: readonly T[], page: readonly T[], order: SortOrder): T[] {
  if (page.length === 0) return sorted.slice();
  const compare = comparison<T>(order);
  const arriving = page.map((row) => keyed(row, order)).sort(compare);
  const parts: T[][] = [];
  let from = 0;
  for (const item of arriving) {
    // The first existing row that sorts after `item`, searched from where the previous one went.
    let low = from;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(keyed(sorted[middle], order), item) <= 0) low = middle + 1;
      else high = middle;
    }
    if (low > from) parts.push(sorted.slice(from, low));
    parts.push([item.row]);
    from = low;
  }
  if (from < sorted.length) parts.push(sorted.slice(from));
  return ([] as T[]).concat(...parts);
}

/** Rows whose name contains every word of `query`, ignoring case. */
export function filterRows<T extends Row>(rows: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return rows.slice();
  }
  return rows.filter((row) => {
    const name = row.name.toLowerCase();
    return words.every((word) => name.includes(word));
  });
}

/** The next order when a column header is clicked: same column flips, another column starts ascending. */
export function nextOrder(current: SortOrder, key: SortKey): SortOrder {
  if (current.key === key) {
    return { key, direction: current.direction === "ascending" ? "descending" : "ascending" };
  }
  return { key, direction: key === "modified" || key === "size" ? "descending" : "ascending" };
}
