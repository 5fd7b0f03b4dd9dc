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
/** With the benchmark's folder probe, only rows painted after this time count, timed from it. */
let reportFrom: number | null = null;
let holding = false;

/** The folder probe is on: the first list is not reported until `reportFolderFrom` names when its folder was asked. */
export function holdFirstList(): void {
  holding = true;
}

/** The probed folder was asked for now: its first painted rows are reported, timed from this moment. */
export function reportFolderFrom(start: number): void {
  reportFrom = start;
}

/** Tells the app once that a list with rows was painted (the cold-start benchmark waits for this). */
export function reportFirstList(entry: PerformanceMark, rows: number): void {
  if (firstListReported || rows === 0) return;
  if (holding && (reportFrom === null || entry.startTime < reportFrom)) return;
  firstListReported = true;
  void commands.firstListPainted(entry.startTime, reportFrom === null ? null : entry.startTime - reportFrom);
}
