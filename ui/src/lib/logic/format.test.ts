import { describe, expect, it } from "vitest";
import { humanDate, humanDuration, humanSize, humanSpeed } from "./format";

describe("humanSize", () => {
  it("uses the largest unit that keeps the number above one", () => {
    expect(humanSize(0)).toBe("0 B");
    expect(humanSize(1023)).toBe("1023 B");
    expect(humanSize(1536)).toBe("1.5 KB");
    expect(humanSize(256 * 1024 * 1024)).toBe("256 MB");
  });

  it("leaves unknown sizes empty", () => {
    expect(humanSize(null)).toBe("");
    expect(humanSize(undefined)).toBe("");
  });
});

describe("humanSpeed and humanDuration", () => {
  it("shows nothing while nothing moves", () => {
    expect(humanSpeed(0)).toBe("");
    expect(humanDuration(null)).toBe("");
  });

  it("reads like a person would say it", () => {
    expect(humanSpeed(2048)).toBe("2.0 KB/s");
    expect(humanDuration(42)).toBe("42 s");
    expect(humanDuration(75)).toBe("1 min 15 s");
    expect(humanDuration(4000)).toBe("1 h 6 min");
  });
});

describe("humanDate", () => {
  it("keeps a date it cannot read as the server wrote it", () => {
    expect(humanDate("sometime in May")).toBe("sometime in May");
    expect(humanDate(null)).toBe("");
  });

  it("shows an RFC 3339 time as year-month-day hours:minutes", () => {
    expect(humanDate("2024-04-02T08:15:00Z")).toMatch(/^2024-04-0[12] \d\d:\d\d$/);
  });
});
