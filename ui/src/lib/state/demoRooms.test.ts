import { describe, expect, it, vi } from "vitest";

const registered = vi.hoisted(() => {
  let finish: (names: string[]) => void = () => {};
  const promise = new Promise<string[]>((resolve) => (finish = resolve));
  return { promise, finish: (names: string[]) => finish(names) };
});

vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));

vi.mock("../bindings", () => ({
  commands: {
    openDemoRooms: vi.fn(async () => ({ status: "ok", data: await registered.promise })),
    listRemotes: vi.fn(async () => ({
      status: "ok",
      data: ["demo-ansarada", "demo-inforouter"].map((name) => ({ name, kind: "demo", kindName: "Demo", url: "" })),
    })),
    checkRemote: vi.fn(async (name: string) => ({ status: "ok", data: { name, state: "online", message: null } })),
    listFolder: vi.fn(async () => ({
      status: "ok",
      data: { entries: [], abilities: { versions: false, folders: true, serverPreviews: false }, offlineReason: null, fromCache: false, complete: true },
    })),
  },
}));

import { BrowserState } from "./browser.svelte";
import { openDemoRooms } from "./demoRooms";
import { RemotesState } from "./remotes.svelte";

describe("opening the demo data rooms", () => {
  it("shows the first demo remote when the user has not picked one", async () => {
    const browser = new BrowserState();
    const opening = openDemoRooms(new RemotesState(), browser);
    registered.finish(["demo-ansarada", "demo-inforouter"]);
    await opening;
    expect(browser.remote).toBe("demo-ansarada");
  });

  it("keeps the remote the user picked while the rooms were registering", async () => {
    const browser = new BrowserState();
    const opening = openDemoRooms(new RemotesState(), browser);
    await browser.open("demo-inforouter");
    registered.finish(["demo-ansarada", "demo-inforouter"]);
    await opening;
    expect(browser.remote).toBe("demo-inforouter");
    expect(browser.trail.map((crumb) => crumb.name)).toEqual(["demo-inforouter"]);
  });
});
