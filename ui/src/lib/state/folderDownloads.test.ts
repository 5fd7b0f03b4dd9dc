import { describe, expect, it } from "vitest";
import type {
  FolderDownloadView_Serialize as FolderDownloadView,
  TransferView_Serialize as TransferView,
} from "../bindings";
import { folderProgress } from "./folderDownloads.svelte";

function folder(over: Partial<FolderDownloadView>): FolderDownloadView {
  return {
    id: 1,
    remote: "demo-inforouter",
    name: "Finance",
    dest: "/home/ada/Downloads/Docket/Finance",
    state: "downloading",
    foldersListed: 3,
    documentsFound: 3,
    transferIds: [10, 11],
    unchanged: 1,
    added: 0,
    updated: 0,
    conflicts: 0,
    failed: 0,
    message: null,
    ...over,
  };
}

function transfer(
  id: number,
  state: TransferView["state"],
  bytesDone: number,
  bytesTotal: number | null,
  speed = 0,
) {
  return { id, state, bytesDone, bytesTotal, speed } as TransferView;
}

describe("a folder download's progress", () => {
  it("counts documents already here as done and adds up its own transfers' bytes only", () => {
    const progress = folderProgress(folder({}), [
      transfer(10, "completed", 100, 100),
      transfer(11, "downloading", 30, 200, 85),
      transfer(99, "downloading", 5000, 9000, 1000),
    ]);
    expect(progress).toEqual({
      filesDone: 2,
      filesTotal: 3,
      bytesDone: 130,
      bytesTotal: 300,
      speed: 85,
      etaSeconds: 2,
    });
  });

  it("is whole once the folder is done, even after its rows were cleared from the list", () => {
    const progress = folderProgress(folder({ state: "done", added: 2 }), []);
    expect(progress.filesDone).toBe(3);
    expect(progress.filesTotal).toBe(3);
  });
});
