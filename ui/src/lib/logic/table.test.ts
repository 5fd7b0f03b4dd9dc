import { describe, expect, it } from "vitest";
import { filterRows, insertSorted, nextOrder, sortRows, typeLabel, type Row, type SortOrder } from "./table";

function row(name: string, extra: Partial<Row> = {}): Row {
  return { name, folder: false, size: null, modified: null, version: null, mime: null, ...extra };
}

describe("sortRows", () => {
  const rows = [
    row("b.pdf", { size: 10, modified: "2024-01-02T00:00:00Z" }),
    row("Reports", { folder: true }),
    row("a10.csv", { size: 300 }),
    row("a9.csv", { size: 5, modified: "2023-01-01T00:00:00Z" }),
    row("Archive", { folder: true }),
  ];

  it("keeps folders first and sorts names the way people count", () => {
    const names = sortRows(rows, { key: "name", direction: "ascending" }).map((r) => r.name);
    expect(names).toEqual(["Archive", "Reports", "a9.csv", "a10.csv", "b.pdf"]);
  });

  it("sorts by size descending with unknown sizes last", () => {
    const names = sortRows([...rows, row("unknown.txt")], { key: "size", direction: "descending" }).map(
      (r) => r.name,
    );
    expect(names.slice(2)).toEqual(["a10.csv", "b.pdf", "a9.csv", "unknown.txt"]);
  });

  it("sorts by modification time", () => {
    const names = sortRows(rows, { key: "modified", direction: "ascending" }).map((r) => r.name);
    expect(names.slice(2, 4)).toEqual(["a9.csv", "b.pdf"]);
  });

  it("does not change the rows it was given", () => {
    const before = rows.map((r) => r.name);
    sortRows(rows, { key: "name", direction: "descending" });
    expect(rows.map((r) => r.name)).toEqual(before);
  });
});

describe("filterRows", () => {
  const rows = [row("Q1-Report.pdf"), row("ledger-2024.csv"), row("Notizen von Zoë.txt")];

  it("matches every typed word anywhere in the name, ignoring case", () => {
    expect(filterRows(rows, "report q1").map((r) => r.name)).toEqual(["Q1-Report.pdf"]);
    expect(filterRows(rows, "ZOË").map((r) => r.name)).toEqual(["Notizen von Zoë.txt"]);
  });

  it("shows everything for an empty filter", () => {
    expect(filterRows(rows, "  ")).toHaveLength(3);
  });

  it("filters 100,000 rows and sorts them", () => {
    const many = Array.from({ length: 100_000 }, (_, i) => row(`document-${i}.pdf`, { size: i }));
    const matched = filterRows(many, "document-9999");
    expect(matched.map((r) => r.name)).toEqual(["document-9999.pdf", ...[...Array(10).keys()].map((i) => `document-9999${i}.pdf`)]);
    const sorted = sortRows(many, { key: "size", direction: "descending" });
    expect(sorted[0].name).toBe("document-99999.pdf");
  });
});

describe("typeLabel and nextOrder", () => {
  it("names the type by extension", () => {
    expect(typeLabel(row("a.tar.gz"))).toBe("GZ");
    expect(typeLabel(row("README"))).toBe("File");
    expect(typeLabel(row("x", { folder: true }))).toBe("Folder");
  });

  it("flips the direction of the same column and starts dates newest first", () => {
    expect(nextOrder({ key: "name", direction: "ascending" }, "name").direction).toBe("descending");
    expect(nextOrder({ key: "name", direction: "ascending" }, "modified")).toEqual({
      key: "modified",
      direction: "descending",
    });
  });
});

describe("insertSorted, as the pages of a long listing arrive", () => {
  const byName: SortOrder = { key: "name", direction: "ascending" };
  const names = (rows: Row[]) => rows.map((r) => r.name);

  it("puts each arriving row where the current order puts it", () => {
    const shown = sortRows([row("b.pdf"), row("d.pdf"), row("Reports", { folder: true })], byName);
    const merged = insertSorted(shown, [row("e.pdf"), row("a.pdf"), row("c.pdf"), row("Archive", { folder: true })], byName);
    expect(names(merged)).toEqual(["Archive", "Reports", "a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]);
  });

  it("gives the same order as sorting everything that arrived at once", () => {
    const pages = [
      [row("scan-3.txt", { size: 3 }), row("scan-10.txt", { size: 10 })],
      [row("scan-1.txt", { size: 10 }), row("Folder", { folder: true }), row("scan-7.txt")],
      [row("scan-2.txt", { size: 3 })],
    ];
    for (const order of [
      byName,
      { key: "size", direction: "descending" },
      { key: "type", direction: "ascending" },
    ] satisfies SortOrder[]) {
      let shown: Row[] = [];
      for (const page of pages) shown = insertSorted(shown, page, order);
      expect(names(shown)).toEqual(names(sortRows(pages.flat(), order)));
    }
  });

  it("keeps the rows already shown in their places when the page sorts after them", () => {
    const shown = sortRows([row("scan-1.txt"), row("scan-2.txt")], byName);
    const merged = insertSorted(shown, [row("scan-4.txt"), row("scan-3.txt")], byName);
    expect(merged[0]).toBe(shown[0]);
    expect(merged[1]).toBe(shown[1]);
    expect(names(merged)).toEqual(["scan-1.txt", "scan-2.txt", "scan-3.txt", "scan-4.txt"]);
  });

  it("puts an arriving row after the equal rows already shown", () => {
    const bySize: SortOrder = { key: "size", direction: "ascending" };
    const first = row("same.pdf", { size: 1 });
    const again = row("same.pdf", { size: 1 });
    const merged = insertSorted([first], [again], bySize);
    expect(merged[0]).toBe(first);
    expect(merged[1]).toBe(again);
  });

  it("does not change the rows it was given", () => {
    const shown = [row("a.pdf")];
    insertSorted(shown, [row("b.pdf")], byName);
    expect(names(shown)).toEqual(["a.pdf"]);
  });

  it("merges a page of 250 into 100,000 rows quickly", () => {
    const shown = sortRows(
      Array.from({ length: 100_000 }, (_, i) => row(`scan-${String(i * 2).padStart(6, "0")}.txt`)),
      byName,
    );
    const page = Array.from({ length: 250 }, (_, i) => row(`scan-${String(i * 800 + 1).padStart(6, "0")}.txt`));
    const started = performance.now();
    const merged = insertSorted(shown, page, byName);
    const took = performance.now() - started;
    expect(merged).toHaveLength(100_250);
    expect(names(merged.slice(0, 3))).toEqual(["scan-000000.txt", "scan-000001.txt", "scan-000002.txt"]);
    expect(took).toBeLessThan(1000); // a sanity bound, not a benchmark
  });
});
