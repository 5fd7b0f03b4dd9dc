import { describe, expect, it } from "vitest";
import { anchoredScrollTop, scrollToReveal, visibleWindow } from "./virtual";

describe("visibleWindow", () => {
  it("renders only the rows in view plus the overscan, even for 100,000 rows", () => {
    const w = visibleWindow(28_000, 560, 28, 100_000, 8);
    expect(w.first).toBe(992);
    expect(w.last).toBe(1028);
    expect(w.last - w.first).toBeLessThan(50);
    expect(w.offset).toBe(992 * 28);
    expect(w.total).toBe(2_800_000);
  });

  it("clamps a scroll position past the end", () => {
    const w = visibleWindow(1_000_000, 280, 28, 20, 2);
    expect(w.last).toBe(20);
  });

  it("is empty for an empty list", () => {
    expect(visibleWindow(0, 500, 28, 0)).toEqual({ first: 0, last: 0, offset: 0, total: 0 });
  });
});

describe("scrollToReveal", () => {
  it("scrolls up or down just enough, and not at all for a visible row", () => {
    expect(scrollToReveal(2, 280, 280, 28)).toBe(56);
    expect(scrollToReveal(20, 0, 280, 28)).toBe(308);
    expect(scrollToReveal(5, 0, 280, 28)).toBe(0);
  });
});

describe("anchoredScrollTop while rows arrive", () => {
  const before = ["c", "d", "e", "f"];

  it("keeps the top row in view where it was when rows are inserted above it", () => {
    // "d" is at the top (scrolled one row and 5 px); two rows arrive above it.
    expect(anchoredScrollTop(before, ["a", "b", "c", "d", "e", "f"], 33, 28)).toBe(33 + 2 * 28);
  });

  it("does not move when rows arrive only below the top row", () => {
    expect(anchoredScrollTop(before, ["c", "d", "e", "f", "g"], 33, 28)).toBe(33);
  });

  it("lets the list fill in under the header when it is scrolled to the top", () => {
    expect(anchoredScrollTop(before, ["a", "c", "d", "e", "f"], 0, 28)).toBe(0);
  });
});
