// The configured remotes and whether each one answers.
import { commands, type RemoteStatus_Serialize as RemoteStatus, type RemoteView } from "../bindings";
import { describeError, unwrap } from "../ipc";

export class RemotesState {
  list: RemoteView[] = $state([]);
  status: Record<string, RemoteStatus> = $state({});
  loaded = $state(false);
  problem: string | null = $state(null);

  async load(): Promise<void> {
    try {
      this.list = await unwrap(commands.listRemotes());
      this.problem = null;
    } catch (error) {
      this.problem = describeError(error);
    } finally {
      this.loaded = true;
    }
    for (const remote of this.list) {
      void this.check(remote.name);
    }
  }

  async check(name: string): Promise<void> {
    try {
      this.status[name] = await unwrap(commands.checkRemote(name));
    } catch (error) {
      this.status[name] = { name, state: "trouble", message: describeError(error) };
    }
  }

  find(name: string | null): RemoteView | undefined {
    return this.list.find((r) => r.name === name);
  }
}
