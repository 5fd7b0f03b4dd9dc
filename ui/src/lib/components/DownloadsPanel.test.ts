import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("../bindings", () => ({
  commands: { removeTransfer: vi.fn(async () => ({ status: "ok", data: null })) },
}));

import { commands, type TransferView_Serialize as TransferView } from "../bindings";
import DownloadsPanel from "./DownloadsPanel.svelte";

function transfer(id: number, state: TransferView["state"], extra: Partial<TransferView> = {}): TransferView {
  return {
    id,
    remote: "demo-index-health",
    docId: `doc-${id}`,
    name: `file-${id}.bin`,
    version: null,
    state,
    bytesDone: 3 * 1024 * 1024,
    bytesTotal: 6 * 1024 * 1024,
    speed: 0,
    etaSeconds: null,
    message: null,
    path: null,
    position: id,
    refreshes: 0,
    finishedAt: null,
    ...extra,
  };
}

describe("DownloadsPanel", () => {
  afterEach(cleanup);

  it("labels a transfer whose link is being refreshed as refreshing, with what expired", () => {
    render(DownloadsPanel, {
      transfers: [
        transfer(1, "refreshing_link", { refreshes: 1, message: "the download link expired" }),
        transfer(2, "downloading"),
      ],
      onClose: () => {},
    });
    const states = screen.getAllByTestId("transfer-state").map((s) => s.textContent?.trim());
    expect(states).toEqual(["Refreshing link", "Downloading"]);
    expect(screen.getByRole("option", { name: "file-1.bin: Refreshing link" })).toBeTruthy();
    expect(screen.getByTestId("transfer-message").textContent).toContain("the download link expired");
  });

  it("removes a queued or paused transfer on Delete and leaves a running one alone", async () => {
    render(DownloadsPanel, {
      transfers: [transfer(4, "paused"), transfer(5, "downloading")],
      onClose: () => {},
    });
    const [paused, running] = screen.getAllByTestId("transfer");
    await fireEvent.keyDown(running, { key: "Delete" });
    expect(commands.removeTransfer).not.toHaveBeenCalled();
    await fireEvent.keyDown(paused, { key: "Delete" });
    expect(commands.removeTransfer).toHaveBeenCalledWith(4);
  });
});
