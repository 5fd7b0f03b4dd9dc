// The folder downloads as the shell reports them, and each one's progress from its member transfers.
import {
  commands,
  events,
  type FolderDownloadView_Serialize as FolderDownloadView,
  type TransferView_Serialize as TransferView,
} from "../bindings";
import { unwrap } from "../ipc";

export interface FolderProgress {
  /** Documents of the folder handled so far: downloaded, failed or cancelled, plus those already here. */
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second of its documents downloading now. */
  speed: number;
  /** Seconds left at that speed, when known. */
  etaSeconds: number | null;
}

/** How far `folder` is, from the rows of its transfers in `transfers`. */
export function folderProgress(folder: FolderDownloadView, transfers: TransferView[]): FolderProgress {
  const members = new Set(folder.transferIds);
  let filesDone = folder.unchanged;
  let bytesDone = 0;
  let bytesTotal = 0;
  let speed = 0;
  for (const t of transfers) {
    if (!members.has(t.id)) continue;
    if (t.state === "downloading") speed += t.speed;
    if (t.state === "completed" || t.state === "failed" || t.state === "cancelled") filesDone += 1;
    bytesDone += t.state === "completed" ? (t.bytesTotal ?? t.bytesDone) : t.bytesDone;
    bytesTotal += t.bytesTotal ?? 0;
  }
  if (folder.state === "done") filesDone = folder.transferIds.length + folder.unchanged;
  const left = bytesTotal - bytesDone;
  const etaSeconds = folder.state === "downloading" && speed > 0 && left > 0 ? left / speed : null;
  const filesTotal = folder.transferIds.length + folder.unchanged;
  return { filesDone, filesTotal, bytesDone, bytesTotal, speed, etaSeconds };
}

export class FolderDownloadsState {
  list: FolderDownloadView[] = $state([]);

  async start(): Promise<() => void> {
    const stop = await events.folderDownloadsChanged.listen((event) => {
      this.list = event.payload.downloads;
    });
    this.list = await unwrap(commands.listFolderDownloads());
    return stop;
  }
}
