import { describe, expect, it } from "vitest";
import {
  MAX_ZOOM,
  MIN_ZOOM,
  PAGE_GAP,
  columnHeight,
  currentPage,
  fitWidthScale,
  layoutPages,
  pageCountLabel,
  pdfProblem,
  stepZoom,
  visiblePages,
} from "./pdfLayout";

const LETTER = { width: 612, height: 792 };

describe("the PDF preview's layout", () => {
  it("fits a page to the column's width, less the gaps, and zooms from there", () => {
    const scale = fitWidthScale(612, 612 + 2 * PAGE_GAP);
    expect(scale).toBeCloseTo(1);
    expect(fitWidthScale(612, 612 + 2 * PAGE_GAP, 2)).toBeCloseTo(2);
    expect(fitWidthScale(306, 306 + 2 * PAGE_GAP)).toBeCloseTo(1);
  });

  it("keeps the zoom as it is while the column has no width yet", () => {
    expect(fitWidthScale(612, 0, 1.5)).toBe(1.5);
  });

  it("stacks pages with gaps, giving pages not read yet the first page's size", () => {
    const places = layoutPages(3, [LETTER, undefined, { width: 792, height: 612 }], 0.5);
    expect(places.map((p) => [p.top, p.width, p.height])).toEqual([
      [PAGE_GAP, 306, 396],
      [PAGE_GAP + 396 + PAGE_GAP, 306, 396],
      [PAGE_GAP + 2 * (396 + PAGE_GAP), 396, 306],
    ]);
    expect(columnHeight(places)).toBe(places[2].top + 306 + PAGE_GAP);
    expect(columnHeight([])).toBe(0);
  });

  it("renders only the pages in or near the viewport of a long document", () => {
    const places = layoutPages(1000, [LETTER], 1);
    const pitch = 792 + PAGE_GAP;
    expect(visiblePages(places, 0, 600, 0)).toEqual([0]);
    expect(visiblePages(places, 0, 600, 200)).toEqual([0]);
    expect(visiblePages(places, PAGE_GAP + 500 * pitch, 900, 0)).toEqual([500, 501]);
    expect(visiblePages(places, PAGE_GAP + 500 * pitch, 700, 0)).toEqual([500]);
    expect(visiblePages(places, 999 * pitch, 600, 200)).toEqual([998, 999]);
    expect(visiblePages([], 0, 600)).toEqual([]);
  });

  it("names the page the middle of the viewport shows", () => {
    const places = layoutPages(3, [LETTER], 1);
    expect(currentPage(places, 0, 600)).toBe(1);
    expect(currentPage(places, 792 + PAGE_GAP, 600)).toBe(2);
    expect(currentPage(places, 10_000, 600)).toBe(3);
  });

  it("steps the zoom within its bounds and comes back to fit width exactly", () => {
    expect(stepZoom(stepZoom(1, 1), -1)).toBe(1);
    let zoom = 1;
    for (let i = 0; i < 20; i++) zoom = stepZoom(zoom, 1);
    expect(zoom).toBe(MAX_ZOOM);
    for (let i = 0; i < 40; i++) zoom = stepZoom(zoom, -1);
    expect(zoom).toBe(MIN_ZOOM);
  });

  it("counts pages in words", () => {
    expect(pageCountLabel(1)).toBe("1 page");
    expect(pageCountLabel(3)).toBe("3 pages");
  });
});

describe("what the PDF preview says when pdf.js refuses a file", () => {
  function failure(name: string, message: string) {
    const error = new Error(message);
    error.name = name;
    return error;
  }

  it("says an encrypted PDF needs its app", () => {
    expect(pdfProblem(failure("PasswordException", "No password given"))).toMatch(/protected by a password/);
  });

  it("says a broken PDF is damaged, with pdf.js's reason", () => {
    const text = pdfProblem(failure("InvalidPDFException", "Invalid PDF structure."));
    expect(text).toMatch(/not a readable PDF/);
    expect(text).toContain("(Invalid PDF structure).");
  });

  it("passes anything else through", () => {
    expect(pdfProblem("worker died")).toBe("The PDF could not be shown: worker died.");
  });
});
