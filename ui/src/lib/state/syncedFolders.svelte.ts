// The folders kept in sync, as the shell reports them, with what changed on the server since each was synced.
import { commands, events, type SyncedFolderView_Serialize as SyncedFolderView } from "../bindings";
import { unwrap } from "../ipc";

/** Documents new or changed on the server since the folder's last sync: the badge number. */
export function pendingChanges(folder: SyncedFolderView): number {
  return folder.newPaths.length + folder.changedPaths.length;
}

export class SyncedFoldersState {
  list: SyncedFolderView[] = $state([]);

  async start(): Promise<() => void> {
    const stop = await events.syncedFoldersChanged.listen((event) => {
      this.list = event.payload.folders;
    });
    this.list = await unwrap(commands.listSyncedFolders());
    return stop;
  }
}
