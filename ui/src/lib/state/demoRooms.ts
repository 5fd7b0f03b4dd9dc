// "Open the demo data rooms": the demo server starts in the app, its five remotes are added, one is shown.
import { commands } from "../bindings";
import { unwrap } from "../ipc";
import type { BrowserState } from "./browser.svelte";
import type { RemotesState } from "./remotes.svelte";

export async function openDemoRooms(remotes: RemotesState, browser: BrowserState): Promise<void> {
  const names = await unwrap(commands.openDemoRooms());
  await remotes.load();
  // The sidebar fills while the rooms register (remotes-changed): a remote the user picked meanwhile stays open.
  const first = names[0] ?? remotes.list[0]?.name;
  if (browser.remote === null && first !== undefined) await browser.open(first);
}
