// How long the file list's work takes at 100,000 rows: `npm run bench`.
import { bench, describe } from "vitest";
import { filterRows, sortRows, type Row } from "./table";
import { visibleWindow } from "./virtual";

const rows: Row[] = Array.from({ length: 100_000 }, (_, i) => ({
  name: `${["Report", "Ledger", "Contract", "Minutes"][i % 4]} ${i} final.${["pdf", "csv", "docx", "xml"][i % 4]}`,
  folder: i % 50 === 0,
  size: (i * 7919) % 10_000_000,
  modified: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
  version: String(i % 7),
  mime: null,
}));

describe("100,000 rows", () => {
  bench("first rows: sort by name and take the visible window", () => {
    const sorted = sortRows(rows, { key: "name", direction: "ascending" });
    const view = visibleWindow(0, 700, 28, sorted.length);
    sorted.slice(view.first, view.last);
  });

  const byName = sortRows(rows, { key: "name", direction: "ascending" });
  bench("filter as you type: two words over the sorted rows", () => {
    filterRows(byName, "ledger 99");
  });

  bench("sort by modified", () => {
    sortRows(rows, { key: "modified", direction: "descending" });
  });
});
