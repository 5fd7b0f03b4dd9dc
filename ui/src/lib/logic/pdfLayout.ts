// The PDF preview's arithmetic, kept apart from pdf.js so it can be tested without a canvas: page sizes at a
// zoom, where each page sits in the scrolled column, which pages are worth rendering, and what to say when
// pdf.js cannot open a file.

/** A page's size in PDF points (1/72 inch). */
export interface PageSize {
  width: number;
  height: number;
}

export interface PagePlace {
  index: number;
  top: number;
  width: number;
  height: number;
}

/** Space between pages and around the column, in CSS pixels. */
export const PAGE_GAP = 12;
export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 4;
const ZOOM_STEP = 1.25;

/** The scale at which a page of `pageWidth` points fills a column `columnWidth` pixels wide, times `zoom`. */
export function fitWidthScale(pageWidth: number, columnWidth: number, zoom = 1): number {
  if (pageWidth <= 0 || columnWidth <= 0) return zoom;
  const room = Math.max(columnWidth - 2 * PAGE_GAP, 50);
  return (room / pageWidth) * zoom;
}

/** The next zoom step in or out, kept within MIN_ZOOM..MAX_ZOOM. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const next = direction > 0 ? zoom * ZOOM_STEP : zoom / ZOOM_STEP;
  // Snap back to exactly 1 (fit width) when a step lands next to it.
  const snapped = Math.abs(next - 1) < 0.01 ? 1 : next;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, snapped));
}

/** Pages stacked top to bottom at `scale`; pages whose size is not known yet take the first page's. */
export function layoutPages(count: number, sizes: (PageSize | undefined)[], scale: number): PagePlace[] {
  const fallback = sizes.find((s) => s !== undefined) ?? { width: 612, height: 792 };
  const places: PagePlace[] = [];
  let top = PAGE_GAP;
  for (let index = 0; index < count; index++) {
    const size = sizes[index] ?? fallback;
    const width = Math.round(size.width * scale);
    const height = Math.round(size.height * scale);
    places.push({ index, top, width, height });
    top += height + PAGE_GAP;
  }
  return places;
}

/** The column's full height for `places`. */
export function columnHeight(places: PagePlace[]): number {
  const last = places.at(-1);
  return last ? last.top + last.height + PAGE_GAP : 0;
}

/** Indexes of pages that overlap the viewport widened by `overscan` pixels above and below. */
export function visiblePages(places: PagePlace[], scrollTop: number, viewport: number, overscan = 200): number[] {
  const from = scrollTop - overscan;
  const to = scrollTop + viewport + overscan;
  // Pages are sorted by top: find the first that ends below `from`, then walk until one starts below `to`.
  let low = 0;
  let high = places.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (places[mid].top + places[mid].height < from) low = mid + 1;
    else high = mid;
  }
  const visible: number[] = [];
  for (let i = low; i < places.length && places[i].top <= to; i++) visible.push(i);
  return visible;
}

/** The page most of the viewport shows, 1-based, for "Page 2 of 3". */
export function currentPage(places: PagePlace[], scrollTop: number, viewport: number): number {
  const middle = scrollTop + viewport / 2;
  for (const place of places) {
    if (middle < place.top + place.height + PAGE_GAP) return place.index + 1;
  }
  return places.length;
}

export function pageCountLabel(count: number): string {
  return count === 1 ? "1 page" : `${count} pages`;
}

/** What to tell the person when pdf.js refuses a file: pdf.js names its failures by `name`. */
export function pdfProblem(error: unknown): string {
  const name = typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  // pdf.js's messages end with a full stop; these sentences add their own.
  const detail = (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
  switch (name) {
    case "PasswordException":
      return "This PDF is protected by a password, so Docket cannot preview it. Open it with its app.";
    case "InvalidPDFException":
      return `This file is not a readable PDF: it is damaged or incomplete (${detail}).`;
    case "ResponseException":
    case "MissingPDFException":
      return `The PDF could not be read: ${detail}.`;
    default:
      return `The PDF could not be shown: ${detail}.`;
  }
}
