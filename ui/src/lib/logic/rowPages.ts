// The rows of a CSV preview as the Rust side serves them: fixed-size pages fetched on demand, so a table of
// millions of rows holds only the pages the reader has scrolled past.

import type { RaggedCount } from "./csvDialect";

export interface RowsPageLike {
  firstRow: number;
  rows: string[][];
  /** Rows (by number) whose field count differs from the table's. */
  ragged?: { row: number }[];
  endOfTable: boolean;
  stop: string | null;
  /** Why some cells of the page are cut short, in words. */
  cut?: string | null;
}

export class RowPages {
  readonly pageSize: number;
  private pages = new Map<number, string[][]>();
  private pending = new Set<number>();
  private raggedRows = new Set<number>();
  private rowsRead = 0;
  /** Rows known to exist, or estimated; exact once a page reached the end. */
  total: number;
  exact: boolean;
  /** Why the table ends before the document does, once a page said so. */
  stop: string | null = null;
  /** Why cells of some page read so far are cut short, once a page said so. */
  cut: string | null = null;

  constructor(firstPage: RowsPageLike, rows: number, exact: boolean, pageSize: number) {
    this.pageSize = pageSize;
    this.total = rows;
    this.exact = exact;
    this.add(firstPage);
  }

  /** Stores a page the Rust side sent, and learns the row count when it reached the end. */
  add(page: RowsPageLike): void {
    const index = Math.floor(page.firstRow / this.pageSize);
    this.pending.delete(index);
    if (!this.pages.has(index)) this.rowsRead += page.rows.length;
    for (const ragged of page.ragged ?? []) this.raggedRows.add(ragged.row);
    this.pages.set(index, page.rows);
    if (page.stop) this.stop = page.stop;
    if (page.cut) this.cut = page.cut;
    const end = page.firstRow + page.rows.length;
    if (page.endOfTable) {
      this.total = end;
      this.exact = true;
    } else if (end > this.total) {
      this.total = end + this.pageSize;
    }
  }

  /** Ragged rows among the pages read so far, and whether those were all of the table. */
  get raggedCount(): RaggedCount {
    return {
      ragged: this.raggedRows.size,
      rowsRead: this.rowsRead,
      complete: this.exact && this.rowsRead >= this.total,
    };
  }

  /** The row, or undefined while its page is not here yet. */
  row(index: number): string[] | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** First rows of the pages rows `first`..`last` (exclusive) need that are neither here nor asked for; marks
   * them asked for. */
  claimMissing(first: number, last: number): number[] {
    const wanted: number[] = [];
    const end = Math.min(last, this.total);
    for (let page = Math.floor(first / this.pageSize); page * this.pageSize < end; page++) {
      if (!this.pages.has(page) && !this.pending.has(page)) {
        this.pending.add(page);
        wanted.push(page * this.pageSize);
      }
    }
    return wanted;
  }

  /** A fetch failed: let the next scroll ask again. */
  release(firstRow: number): void {
    this.pending.delete(Math.floor(firstRow / this.pageSize));
  }
}
