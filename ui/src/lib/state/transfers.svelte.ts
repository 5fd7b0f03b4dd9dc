// The transfer list as the engine reports it.
import { commands, events, type TransferView_Serialize as TransferView } from "../bindings";
import { unwrap } from "../ipc";

export function isActive(t: TransferView): boolean {
  return (
    t.state === "preparing" ||
    t.state === "waiting_for_server" ||
    t.state === "downloading" ||
    t.state === "refreshing_link"
  );
}

export class TransfersState {
  list: TransferView[] = $state([]);
  /** Transfers that are running or waiting their turn: the badge number. */
  pending = $derived(this.list.filter((t) => isActive(t) || t.state === "queued").length);

  async start(onChange: (list: TransferView[]) => void): Promise<() => void> {
    const stop = await events.transfersChanged.listen((event) => {
      this.list = event.payload.transfers;
      onChange(this.list);
    });
    this.list = await unwrap(commands.listTransfers());
    onChange(this.list);
    return stop;
  }
}
