import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

// jsdom has no layout: the table's size binding needs a ResizeObserver that never fires.
vi.stubGlobal(
  "ResizeObserver",
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);
vi.mock("../bindings", () => ({
  commands: {
    previewDocument: vi.fn(),
    previewRows: vi.fn(),
    closePreview: vi.fn(),
    pdfDocument: vi.fn(),
    serverPreview: vi.fn(),
  },
}));

import { commands } from "../bindings";
import PreviewPanel from "./PreviewPanel.svelte";

const entry = {
  id: "doc-1",
  name: "big.pdf",
  folder: false,
  size: 40 * 1024 * 1024,
  mime: "application/pdf",
  modified: null,
  version: null,
  downloaded: null,
  localChanged: false,
  remote: null,
  location: null,
};

function view(body: object) {
  return {
    status: "ok",
    data: {
      name: entry.name,
      fromDownload: false,
      availableBytes: 1024 * 1024,
      totalBytes: 40 * 1024 * 1024,
      partial: true,
      notes: [],
      body,
    },
  };
}

describe("PreviewPanel", () => {
  beforeEach(() => vi.clearAllMocks());

  it("offers to download a PDF too large to fetch, and fetches none of it for pdf.js", async () => {
    vi.mocked(commands.previewDocument).mockResolvedValue(
      view({ kind: "pdf", viewable: false, fetchLimitBytes: 8 * 1024 * 1024 }) as never,
    );
    const onDownload = vi.fn();
    render(PreviewPanel, { remote: "demo", entry, serverPreviews: false, onClose: () => {}, onDownload });
    const offer = await screen.findByTestId("pdf-download-first");
    expect(offer.textContent).toContain("Download to preview");
    expect(offer.textContent).toContain("8.0 MB");
    await fireEvent.click(screen.getByTestId("pdf-download"));
    expect(onDownload).toHaveBeenCalledOnce();
    expect(commands.pdfDocument).not.toHaveBeenCalled();
  });

  it("reports a CSV's dialect and the ragged rows of its first page above the table", async () => {
    vi.mocked(commands.previewDocument).mockResolvedValue(
      view({
        kind: "table",
        previewId: 3,
        delimiter: ";",
        encoding: "windows-1252",
        hasHeader: true,
        columns: [{ name: "a", width: 4, numeric: false }],
        rows: 3,
        rowsExact: true,
        firstPage: {
          firstRow: 0,
          rows: [["x"], ["y;z"], ["w"]],
          ragged: [{ row: 1, fields: 2, expected: 1 }],
          endOfTable: true,
          stop: null,
        },
      }) as never,
    );
    render(PreviewPanel, { remote: "demo", entry: { ...entry, name: "l.csv" }, serverPreviews: false, onClose: () => {} });
    const report = await screen.findByTestId("csv-dialect");
    await vi.waitFor(() => expect(report.textContent).toBe("Semicolon-separated · Windows-1252 · 1 ragged row"));
  });
});
