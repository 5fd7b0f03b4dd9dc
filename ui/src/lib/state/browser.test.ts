import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EntryView_Serialize as EntryView, ListingPage_Serialize as ListingPage } from "../bindings";

// The window's side of a streamed listing: the command answers at once and the pages follow on the channel.
const server = vi.hoisted(() => ({
  channel: null as { onmessage: (page: ListingPage) => void } | null,
  listings: 0,
  /** Set: the folder is cached and answers whole, as a listing fetched again does. */
  cached: null as EntryView[] | null,
}));

vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (page: unknown) => void = () => {};
  },
}));

vi.mock("../bindings", () => ({
  commands: {
    listFolder: vi.fn(async (_remote: string, _location: string | null, channel: typeof server.channel) => {
      server.channel = channel;
      server.listings += 1;
      return {
        status: "ok",
        data: {
          remote: "demo",
          location: null,
          entries: server.cached ?? [],
          abilities: { versions: false, folders: true, serverPreviews: false },
          fetchedAt: null,
          complete: server.cached !== null,
          fromCache: false,
          offlineReason: null,
        },
      };
    }),
  },
}));

import { BrowserState } from "./browser.svelte";

function entry(name: string): EntryView {
  return {
    id: name,
    name,
    folder: false,
    size: null,
    mime: null,
    modified: null,
    version: null,
    downloaded: null,
    localChanged: false,
    remote: null,
    location: null,
  };
}

function send(page: ListingPage) {
  server.channel?.onmessage(page);
}

const names = (browser: BrowserState) => browser.rows.map((row) => row.name);

async function opened(): Promise<BrowserState> {
  const browser = new BrowserState();
  await browser.open("demo");
  return browser;
}

beforeEach(() => {
  server.channel = null;
  server.listings = 0;
  server.cached = null;
});

describe("a folder never listed, arriving page by page", () => {
  it("shows the first page as soon as it arrives and says more are loading", async () => {
    const browser = await opened();
    expect(browser.loading).toBe(true);

    send({ kind: "rows", entries: [entry("scan-1.txt"), entry("scan-2.txt")] });
    await vi.waitFor(() => expect(names(browser)).toEqual(["scan-1.txt", "scan-2.txt"]));
    expect(browser.loading).toBe(false);
    expect(browser.loadingMore).toBe(true);

    send({ kind: "rows", entries: [entry("scan-3.txt")] });
    send({ kind: "complete", changed: true });
    expect(names(browser)).toEqual(["scan-1.txt", "scan-2.txt", "scan-3.txt"]);
    expect(browser.loadingMore).toBe(false);
  });

  it("inserts later rows where the sort puts them and keeps the selection on its rows", async () => {
    const browser = await opened();
    send({ kind: "rows", entries: [entry("b.pdf"), entry("d.pdf")] });
    await vi.waitFor(() => expect(browser.rows).toHaveLength(2));
    browser.selection = { selected: new Set([1]), cursor: 1, anchor: 1 };

    send({ kind: "rows", entries: [entry("c.pdf"), entry("a.pdf")] });
    send({ kind: "complete", changed: true });
    expect(names(browser)).toEqual(["a.pdf", "b.pdf", "c.pdf", "d.pdf"]);
    expect(browser.selectedRows().map((row) => row.name)).toEqual(["d.pdf"]);
  });

  it("sorts and filters what has arrived, and the rows that follow join in that order", async () => {
    const browser = await opened();
    send({ kind: "rows", entries: [entry("scan-1.txt"), entry("scan-3.txt"), entry("notes.txt")] });
    await vi.waitFor(() => expect(browser.rows).toHaveLength(3));
    browser.sort = { key: "name", direction: "descending" };
    browser.filter = "scan";
    expect(names(browser)).toEqual(["scan-3.txt", "scan-1.txt"]);

    send({ kind: "rows", entries: [entry("scan-2.txt"), entry("scan-4.txt")] });
    await vi.waitFor(() => expect(names(browser)).toEqual(["scan-4.txt", "scan-3.txt", "scan-2.txt", "scan-1.txt"]));
  });

  it("keeps the rows that arrived and says why when the listing stops", async () => {
    const browser = await opened();
    send({ kind: "rows", entries: [entry("scan-1.txt")] });
    send({ kind: "failed", error: { code: "unreachable", message: "Could not reach demo." } });
    expect(names(browser)).toEqual(["scan-1.txt"]);
    expect(browser.problem).toContain("Could not reach demo.");
    expect(browser.loadingMore).toBe(false);
  });

  it("does not list the folder again for the catalog's news of the listing it just streamed", async () => {
    const browser = await opened();
    send({ kind: "rows", entries: [entry("scan-1.txt")] });
    send({ kind: "complete", changed: true });
    await browser.listingChanged();
    expect(server.listings).toBe(1);
    await browser.listingChanged();
    expect(server.listings).toBe(2);
  });

  it("ignores the pages of a folder the user already left", async () => {
    const browser = await opened();
    const left = server.channel;
    await browser.reload();
    left?.onmessage({ kind: "rows", entries: [entry("elsewhere.txt")] });
    send({ kind: "rows", entries: [entry("here.txt")] });
    send({ kind: "complete", changed: false });
    expect(names(browser)).toEqual(["here.txt"]);
  });
});

describe("a listing fetched again (a download finished)", () => {
  it("keeps the selection on the same rows and shows what changed in them", async () => {
    const browser = await opened();
    send({ kind: "rows", entries: [entry("a.pdf"), entry("b.pdf"), entry("c.pdf")] });
    send({ kind: "complete", changed: true });
    browser.selection = { selected: new Set([1]), cursor: 1, anchor: 1 };

    server.cached = [entry("a.pdf"), { ...entry("b.pdf"), downloaded: "/downloads/b.pdf" }, entry("c.pdf")];
    await browser.refreshQuietly();
    expect(browser.selectedRows().map((row) => [row.name, row.downloaded])).toEqual([["b.pdf", "/downloads/b.pdf"]]);
  });
});
