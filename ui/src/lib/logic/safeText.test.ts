import { describe, expect, it } from "vitest";
import { hasBidiControls, reorderWarning, revealed, visibleControls } from "./safeText";

describe("visibleControls", () => {
  it("draws a terminal escape sequence as symbols instead of leaving it to act", () => {
    expect(visibleControls("\u001b]0;PWNED\u0007\u001b[31mreport.pdf")).toBe("␛]0;PWNED␇␛[31mreport.pdf");
  });

  it("shows newlines, tabs, DEL and C1 controls", () => {
    expect(visibleControls("a\nb\tc\u007fd\u009be")).toBe("a␊b␉c␡d⟨U+009B⟩e");
  });

  it("leaves ordinary names, right-to-left ones included, as they are", () => {
    for (const name of ["Q1-Report.pdf", "Übersicht – 2024.pdf", "报告.pdf", "تقرير.pdf", "a\u202Eb"]) {
      expect(visibleControls(name)).toBe(name);
    }
  });
});

describe("bidi controls", () => {
  it("are found in a name that reverses its own extension", () => {
    expect(hasBidiControls("invoice\u202Efdp.exe")).toBe(true);
    expect(hasBidiControls("invoice.pdf")).toBe(false);
    expect(hasBidiControls("تقرير.pdf")).toBe(false);
  });

  it("are named in the revealed text and the warning", () => {
    expect(revealed("invoice\u202Efdp.exe")).toBe("invoice⟨U+202E⟩fdp.exe");
    expect(revealed("\u2066x\u2069\u200E")).toBe("⟨U+2066⟩x⟨U+2069⟩⟨U+200E⟩");
    const warning = reorderWarning("invoice\u202Efdp.exe");
    expect(warning).toContain("contains characters that reorder text");
    expect(warning).toContain("invoice⟨U+202E⟩fdp.exe");
  });
});
