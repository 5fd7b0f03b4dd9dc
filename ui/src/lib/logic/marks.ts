// Performance marks the end-to-end tests and the cold-start benchmark read back (performance.getEntriesByName):
// when a listing was asked for, when the filter changed, and when the rows that followed were painted.
import { commands } from "../bindings";

export const LIST_REQUESTED = "docket:list-requested";
export const FILTER_TYPED = "docket:filter-typed";
export const LIST_PAINTED = "docket:list-painted";

export function mark(name: string, detail?: unknown): void {
  performance.mark(name, { detail });
}

/** Marks `name` once the frame showing the DOM as it is now has been painted (the task after its animation frame). */
export function markAfterPaint(name: string, detail: unknown, then?: (entry: PerformanceMark) => void): void {
  if (typeof requestAnimationFrame !== "function") return;
  requestAnimationFrame(() =>
    setTimeout(() => {
      then?.(performance.mark(name, { detail }));
    }, 0),
  );
}

let firstListReported = false;

/** Tells the app once that a list with rows was painted (the cold-start benchmark waits for this). */
export function reportFirstList(entry: PerformanceMark, rows: number): void {
  if (firstListReported || rows === 0) return;
  firstListReported = true;
  void commands.firstListPainted(entry.startTime);
}
