// The desktop benchmark's folder probe (DOCKET_STARTUP_PROBE=<remote>/<folder>): once the remote is registered,
// the window opens it, enters the top-level folder of that name and reports how soon its first rows painted.
import { commands, type ProbeFolder } from "../bindings";
import { holdFirstList, reportFolderFrom } from "../logic/marks";
import type { BrowserState } from "./browser.svelte";

export class StartupProbe {
  private started = false;

  private constructor(private readonly folder: ProbeFolder) {}

  /** The probe the app was started with, if any; it holds back the ordinary first-list report. */
  static async requested(): Promise<StartupProbe | null> {
    const folder = await commands.probeFolder();
    if (folder === null) return null;
    holdFirstList();
    return new StartupProbe(folder);
  }

  /** Opens the probed folder once its remote is among `remotes` (call whenever the remotes change). */
  async openWhenRegistered(remotes: string[], browser: BrowserState): Promise<void> {
    if (this.started || !remotes.includes(this.folder.remote)) return;
    this.started = true;
    await browser.open(this.folder.remote);
    while (browser.loading || browser.loadingMore) await new Promise((resolve) => setTimeout(resolve, 10));
    const folder = browser.entries.find((entry) => entry.folder && entry.name === this.folder.folder);
    if (folder === undefined) return;
    // The top level's own painted mark may still be pending: let it land first, so it is not taken for the folder's.
    for (let frame = 0; frame < 2; frame += 1) {
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    }
    reportFolderFrom(performance.now());
    await browser.enter(folder);
  }
}
