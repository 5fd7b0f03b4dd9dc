import { describe, expect, it } from "vitest";
import { scrollToReveal, visibleWindow } from "./virtual";

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
