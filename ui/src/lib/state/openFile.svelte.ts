// Opening a downloaded file with its app. A file that would run as a program (an installer, a script, anything
// executable) is opened only after the person says yes: the engine answers `needs_confirmation` with the reason,
// and the open-confirmation dialog shows what is pending here.
import { commands, type DownloadedFile } from "../bindings";
import { CommandFailed, unwrap } from "../ipc";

/** A file waiting for the person's yes: which, its name as the window shows it, and why the engine asked. */
export type PendingOpen = { file: DownloadedFile; name: string; why: string };

export class OpenConfirmation {
  pending: PendingOpen | null = $state(null);

  /** Opens `file`; one that would run as a program becomes `pending` instead, for the dialog to ask about. */
  async open(file: DownloadedFile, name: string): Promise<void> {
    try {
      await unwrap(commands.openDownloaded(file, false));
    } catch (error) {
      if (error instanceof CommandFailed && error.code === "needs_confirmation") {
        this.pending = { file, name, why: error.message };
        return;
      }
      throw error;
    }
  }

  /** The person said yes: opens the pending file. Stays pending when opening fails, so the dialog can say why. */
  async confirm(): Promise<void> {
    const request = this.pending;
    if (!request) return;
    await unwrap(commands.openDownloaded(request.file, true));
    this.pending = null;
  }

  cancel(): void {
    this.pending = null;
  }
}

/** The one the window uses: any panel may open files, one dialog asks. */
export const openConfirmation = new OpenConfirmation();
