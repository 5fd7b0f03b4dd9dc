import { describe, expect, it } from "vitest";
import { RowPages } from "./rowPages";

const page = (firstRow: number, count: number, endOfTable = false, stop: string | null = null) => ({
  firstRow,
  rows: Array.from({ length: count }, (_, i) => [String(firstRow + i)]),
  endOfTable,
  stop,
});

describe("RowPages", () => {
  it("serves the first page at once and asks only for the pages a scroll reaches", () => {
    const pages = new RowPages(page(0, 200), 10_000, false, 200);
    expect(pages.row(5)).toEqual(["5"]);
    expect(pages.row(250)).toBeUndefined();
    expect(pages.claimMissing(150, 450)).toEqual([200, 400]);
    expect(pages.claimMissing(150, 450)).toEqual([]);
  });

  it("learns the exact row count from the page that reached the end", () => {
    const pages = new RowPages(page(0, 200), 10_000, false, 200);
    pages.claimMissing(200, 400);
    pages.add(page(200, 37, true));
    expect(pages.total).toBe(237);
    expect(pages.exact).toBe(true);
    expect(pages.row(236)).toEqual(["236"]);
    expect(pages.claimMissing(0, 10_000)).toEqual([]);
  });

  it("keeps the reason a table stops early, and grows an estimate that was too small", () => {
    const pages = new RowPages(page(0, 200), 150, false, 200);
    expect(pages.total).toBe(400);
    pages.add(page(200, 10, true, "The table shows the first 1.0 MiB of 2.0 GiB."));
    expect(pages.stop).toContain("first 1.0 MiB");
  });

  it("keeps why a page's cells were cut short after later pages arrive whole", () => {
    const pages = new RowPages(page(0, 200), 1000, false, 200);
    expect(pages.cut).toBeNull();
    pages.add({ ...page(200, 200), cut: "from row 250 on, long cells are cut short" });
    pages.add(page(400, 200));
    expect(pages.cut).toContain("row 250");
  });

  it("asks again for a page whose fetch failed", () => {
    const pages = new RowPages(page(0, 200), 1000, false, 200);
    expect(pages.claimMissing(200, 300)).toEqual([200]);
    pages.release(200);
    expect(pages.claimMissing(200, 300)).toEqual([200]);
  });
});
