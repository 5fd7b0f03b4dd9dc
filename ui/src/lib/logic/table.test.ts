import { describe, expect, it } from "vitest";
import { filterRows, nextOrder, sortRows, typeLabel, type Row } from "./table";

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
