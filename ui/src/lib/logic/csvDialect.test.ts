import { describe, expect, it } from "vitest";
import { dialectReport, delimiterName, encodingName, raggedText } from "./csvDialect";
import { RowPages } from "./rowPages";

const none = { ragged: 0, rowsRead: 10, complete: true };

describe("the CSV dialect report", () => {
  it("names the delimiter and encoding docket-preview found", () => {
    expect(dialectReport({ delimiter: ";", encoding: "windows-1252", hasHeader: true }, none)).toBe(
      "Semicolon-separated · Windows-1252",
    );
    expect(delimiterName("\t")).toBe("Tab-separated");
    expect(delimiterName("|")).toBe("Pipe-separated");
    expect(encodingName("UTF-16LE")).toBe("UTF-16 LE");
    expect(encodingName("UTF-8")).toBe("UTF-8");
  });

  it("counts ragged rows, saying so when only part of the table was read", () => {
    const table = { delimiter: ",", encoding: "UTF-8", hasHeader: true };
    expect(dialectReport(table, { ragged: 3, rowsRead: 40, complete: true })).toBe(
      "Comma-separated · UTF-8 · 3 ragged rows",
    );
    expect(raggedText({ ragged: 1, rowsRead: 200, complete: true })).toBe("1 ragged row");
    expect(raggedText({ ragged: 2, rowsRead: 1200, complete: false })).toBe("2 ragged rows in the first 1,200");
  });

  it("says when the first row is data, not a header", () => {
    expect(dialectReport({ delimiter: ",", encoding: "UTF-8", hasHeader: false }, none)).toBe(
      "Comma-separated · UTF-8 · no header row",
    );
  });
});

describe("ragged rows across pages", () => {
  const page = (firstRow: number, count: number, ragged: number[], endOfTable: boolean) => ({
    firstRow,
    rows: Array.from({ length: count }, (_, i) => [String(firstRow + i)]),
    ragged: ragged.map((row) => ({ row })),
    endOfTable,
    stop: null,
  });

  it("add up as pages arrive and are complete once the last page is read", () => {
    const pages = new RowPages(page(0, 10, [2, 7], false), 30, false, 10);
    expect(pages.raggedCount).toEqual({ ragged: 2, rowsRead: 10, complete: false });
    pages.add(page(20, 5, [21], true));
    expect(pages.raggedCount).toEqual({ ragged: 3, rowsRead: 15, complete: false });
    pages.add(page(10, 10, [], false));
    expect(pages.raggedCount).toEqual({ ragged: 3, rowsRead: 25, complete: true });
    // A page sent twice is counted once.
    pages.add(page(10, 10, [], false));
    expect(pages.raggedCount.rowsRead).toBe(25);
  });
});
