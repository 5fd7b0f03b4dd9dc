import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const orphan = {
  path: "/home/ada/Downloads/Q1-Report.pdf.docket-part",
  name: "Q1-Report.pdf.docket-part",
  bytes: 2048,
  modifiedAt: 1,
  notAFile: false,
};
let orphansOnDisk = [orphan];

vi.mock("../bindings", () => ({
  commands: {
    removeTransfer: vi.fn(async () => ({ status: "ok", data: null })),
    listOrphanPartials: vi.fn(async () => ({ status: "ok", data: orphansOnDisk })),
    removeOrphanPartial: vi.fn(async () => {
      orphansOnDisk = [];
      return { status: "ok", data: null };
    }),
    revealOrphanPartial: vi.fn(async () => ({ status: "ok", data: null })),
  },
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

  it("says a transfer left by a killed process is interrupted and lets it be removed", async () => {
    render(DownloadsPanel, { transfers: [transfer(6, "interrupted")], onClose: () => {} });
    expect(screen.getByTestId("transfer-state").textContent?.trim()).toBe("Interrupted");
    expect(screen.getByTestId("transfer-message").textContent).toContain("continues from what is on disk");
    await fireEvent.keyDown(screen.getByTestId("transfer"), { key: "Delete" });
    expect(commands.removeTransfer).toHaveBeenCalledWith(6);
  });

  it("lists partial files no download owns and deletes one when asked", async () => {
    orphansOnDisk = [orphan];
    render(DownloadsPanel, { transfers: [], onClose: () => {} });
    await waitFor(() => expect(screen.getAllByTestId("orphan-partial")).toHaveLength(1));
    expect(screen.getByTestId("orphan-partials").textContent).toContain("belongs to no download");
    await fireEvent.click(screen.getByTestId("orphan-delete"));
    expect(commands.removeOrphanPartial).toHaveBeenCalledWith(orphan.path);
    await waitFor(() => expect(screen.queryByTestId("orphan-partials")).toBeNull());
  });
});
