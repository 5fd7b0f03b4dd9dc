import { cleanup, render } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EntryView_Serialize as EntryView } from "../bindings";
import { emptySelection } from "../logic/selection";
import FileList from "./FileList.svelte";

// The list reports its first paint to the engine.
vi.mock("../bindings", () => ({
  commands: { firstListPainted: vi.fn(async () => ({ status: "ok", data: null })) },
}));

// jsdom has no layout: the list's size binding needs a ResizeObserver that never fires.
vi.stubGlobal(
  "ResizeObserver",
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);

function entry(id: string, name: string, extra: Partial<EntryView> = {}): EntryView {
  return {
    id,
    name,
    folder: false,
    size: 1024,
    mime: null,
    modified: null,
    version: null,
    downloaded: null,
    localChanged: false,
    remote: null,
    location: null,
    ...extra,
  };
}

function show(rows: EntryView[], showPlace = false) {
  return render(FileList, {
    rows,
    selection: emptySelection(),
    sort: { key: "name", direction: "ascending" },
    showPlace,
    onActivate: () => {},
    onPreview: () => {},
    onContextMenu: () => {},
    onUp: () => {},
  });
}

describe("FileList", () => {
  afterEach(cleanup);

  it("shows a name that reverses its extension isolated, with a warning, and keeps the raw name for lookups", () => {
    const { container } = show([entry("d1", "invoice\u202Efdp.exe"), entry("d2", "Q1-Report.pdf")]);
    const [hostile, plain] = Array.from(container.querySelectorAll<HTMLElement>("[data-testid=entry]"));
    expect(hostile.dataset.name).toBe("invoice\u202Efdp.exe");
    expect(hostile.querySelector(".name bdi")?.textContent).toBe("invoice\u202Efdp.exe");
    expect(hostile.querySelector("[data-testid=reorder-warning]")?.getAttribute("title")).toContain("reorder text");
    expect(plain.querySelector(".name bdi")?.textContent).toBe("Q1-Report.pdf");
    expect(plain.querySelector("[data-testid=reorder-warning]")).toBeNull();
  });

  it("draws control characters in names and places as symbols", () => {
    const { container } = show(
      [entry("d1", "\u001b[31mred.pdf", { remote: "demo-inforouter", location: "/Fin\u0007ance" })],
      true,
    );
    const row = container.querySelector<HTMLElement>("[data-testid=entry]");
    expect(row?.querySelector(".name .text")?.textContent).toBe("␛[31mred.pdf");
    expect(row?.querySelector("[data-testid=entry-place]")?.textContent).toBe("demo-inforouter · /Fin␇ance");
    expect(row?.textContent).not.toMatch(/[\u0000-\u001f]/);
  });
});
