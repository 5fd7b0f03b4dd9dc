import { render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";

// jsdom has no layout: the table's size binding needs a ResizeObserver that never fires.
vi.stubGlobal(
  "ResizeObserver",
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);
vi.mock("../bindings", () => ({ commands: { previewRows: vi.fn() } }));

import { commands } from "../bindings";
import CsvTable from "./CsvTable.svelte";

const table = {
  previewId: 7,
  hasHeader: true,
  columns: [
    { name: "id", width: 4, numeric: true },
    { name: "name", width: 20, numeric: false },
  ],
  rows: 2,
  rowsExact: true,
  firstPage: {
    firstRow: 0,
    rows: [
      ["1", "Müller, Zoë"],
      ["2", 'said "hi"'],
    ],
    ragged: [],
    endOfTable: true,
    stop: null,
  },
};

describe("CsvTable", () => {
  it("shows the header row and the first page the Rust side sent, numbers aligned right", () => {
    render(CsvTable, { table });
    const headers = screen.getAllByRole("columnheader").map((h) => h.textContent?.trim());
    expect(headers).toEqual(["id", "name"]);
    const rows = screen.getAllByTestId("csv-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("Müller, Zoë");
    expect(rows[1].textContent).toContain('said "hi"');
    expect(screen.getAllByRole("cell")[0].classList.contains("numeric")).toBe(true);
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("3");
  });

  it("asks for no page the first one already covers", () => {
    render(CsvTable, { table });
    expect(commands.previewRows).not.toHaveBeenCalled();
  });
});
