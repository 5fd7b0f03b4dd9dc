import { cleanup, render } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import SafeText from "./SafeText.svelte";

describe("SafeText", () => {
  afterEach(cleanup);

  it("isolates a name that reverses its extension and warns about it", () => {
    const { container } = render(SafeText, { text: "invoice\u202Efdp.exe" });
    const isolated = container.querySelector("bdi");
    expect(isolated?.textContent).toBe("invoice\u202Efdp.exe");
    const warning = container.querySelector("[data-testid=reorder-warning]");
    expect(warning).not.toBeNull();
    expect(warning?.getAttribute("title")).toContain("contains characters that reorder text");
    expect(warning?.getAttribute("title")).toContain("invoice⟨U+202E⟩fdp.exe");
    expect(warning?.getAttribute("role")).toBe("img");
  });

  it("shows control characters as symbols and isolates plain names without a warning", () => {
    const { container } = render(SafeText, { text: "\u001b]0;PWNED\u0007\u001b[31mreport.pdf" });
    const isolated = container.querySelector("bdi");
    expect(isolated?.textContent).toBe("␛]0;PWNED␇␛[31mreport.pdf");
    expect(container.textContent).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(container.querySelector("[data-testid=reorder-warning]")).toBeNull();
  });

  it("calls a message with reordering characters text, not a name", () => {
    const { container } = render(SafeText, { text: "failed: \u202Eedcba", kind: "text" });
    expect(container.querySelector("[data-testid=reorder-warning]")?.getAttribute("title")).toMatch(/^This text contains/);
  });
});
