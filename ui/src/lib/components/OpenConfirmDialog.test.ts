import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const why = "“setup.exe” is a program or installer (.exe): opening it runs it with your permissions.";

vi.mock("../bindings", () => ({
  commands: {
    openDownloaded: vi.fn(async (_file: unknown, confirmed: boolean) =>
      confirmed
        ? { status: "ok", data: null }
        : { status: "error", error: { code: "needs_confirmation", message: why } },
    ),
    listOrphanPartials: vi.fn(async () => ({ status: "ok", data: [] })),
  },
}));

import { commands, type TransferView_Serialize as TransferView } from "../bindings";
import { openConfirmation } from "../state/openFile.svelte";
import DownloadsPanel from "./DownloadsPanel.svelte";
import OpenConfirmDialog from "./OpenConfirmDialog.svelte";

const completed: TransferView = {
  id: 7,
  remote: "demo-index-health",
  docId: "doc-7",
  name: "setup.exe",
  version: null,
  state: "completed",
  bytesDone: 2048,
  bytesTotal: 2048,
  speed: 0,
  etaSeconds: null,
  message: null,
  path: "/home/ada/Downloads/setup.exe",
  position: 1,
  refreshes: 0,
  finishedAt: 1,
};

describe("opening a downloaded program", () => {
  beforeAll(() => {
    // jsdom has no modal dialogs; an open attribute is what showModal leaves behind.
    HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    };
  });
  beforeEach(() => {
    vi.mocked(commands.openDownloaded).mockClear();
    openConfirmation.cancel();
  });
  afterEach(cleanup);

  it("asks first, naming the file and why, and opens only on Open anyway", async () => {
    render(DownloadsPanel, { transfers: [completed], onClose: () => {} });
    render(OpenConfirmDialog, { confirmation: openConfirmation });
    await fireEvent.click(screen.getByTestId("transfer-open"));

    const dialog = await screen.findByTestId("open-confirm");
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(dialog.querySelector("h2")?.textContent).toBe("Open setup.exe?");
    expect(screen.getByTestId("open-confirm-why").textContent).toBe(why);
    expect(commands.openDownloaded).toHaveBeenCalledTimes(1);
    expect(commands.openDownloaded).toHaveBeenLastCalledWith({ by: "transfer", id: 7 }, false);

    await fireEvent.click(screen.getByTestId("open-confirm-open"));
    expect(commands.openDownloaded).toHaveBeenLastCalledWith({ by: "transfer", id: 7 }, true);
    await waitFor(() => expect(screen.queryByTestId("open-confirm")).toBeNull());
  });

  it("opens nothing when the person cancels", async () => {
    render(OpenConfirmDialog, { confirmation: openConfirmation });
    await openConfirmation.open({ by: "document", remote: "demo", docId: "doc-7" }, "invoice\u202Efdp.exe");

    const dialog = await screen.findByTestId("open-confirm");
    // The name is isolated and flagged in the question too.
    expect(dialog.querySelector("h2 [data-testid=reorder-warning]")).not.toBeNull();
    await fireEvent.click(screen.getByTestId("open-confirm-cancel"));
    await waitFor(() => expect(screen.queryByTestId("open-confirm")).toBeNull());
    expect(commands.openDownloaded).toHaveBeenCalledTimes(1);
    expect(commands.openDownloaded).not.toHaveBeenCalledWith(expect.anything(), true);
  });
});
