// What the file browser shows: one remote, a trail of folders, the entries, their order, filter and selection.
import { commands, type EntryView_Serialize as EntryView, type RemoteAbilities } from "../bindings";
import { describeError, unwrap } from "../ipc";
import { emptySelection, orderedIndices, type Selection } from "../logic/selection";
import { LIST_REQUESTED, mark } from "../logic/marks";
import { filterRows, sortRows, type SortOrder } from "../logic/table";

export interface Crumb {
  /** The location id to list; `null` is the remote's top level. */
  location: string | null;
  name: string;
}

export class BrowserState {
  remote: string | null = $state(null);
  trail: Crumb[] = $state([]);
  // Raw state: 100,000 entries must not become 100,000 reactive proxies.
  entries: EntryView[] = $state.raw([]);
  abilities: RemoteAbilities = $state({ versions: false, folders: true, serverPreviews: false });
  loading = $state(false);
  problem: string | null = $state(null);
  sort: SortOrder = $state({ key: "name", direction: "ascending" });
  filter = $state("");
  selection: Selection = $state.raw(emptySelection());
  /** Set while the list shows search results instead of a folder. */
  searchQuery: string | null = $state(null);
  /** The cached listing is shown because the server cannot be reached. */
  offlineReason: string | null = $state(null);
  fromCache = $state(false);
  /** Milliseconds the last listing took to arrive and to be filtered and sorted, for the status bar. */
  timings = $state({ list: 0, view: 0 });

  // Sorted once per listing and order; typing in the filter only filters the sorted rows (order is kept).
  private sorted: EntryView[] = $derived(sortRows(this.entries, this.sort));

  rows: EntryView[] = $derived.by(() => {
    const started = performance.now();
    const rows = filterRows(this.sorted, this.filter);
    this.recordViewTime(performance.now() - started);
    return rows;
  });

  private loadTicket = 0;

  private recordViewTime(ms: number) {
    // Written outside the derivation so the derived value has no side effect on its own inputs.
    queueMicrotask(() => (this.timings = { ...this.timings, view: ms }));
  }

  selectedRows(): EntryView[] {
    return orderedIndices(this.selection)
      .map((i) => this.rows[i])
      .filter((row): row is EntryView => row !== undefined);
  }

  async open(remote: string): Promise<void> {
    this.remote = remote;
    this.trail = [{ location: null, name: remote }];
    await this.reload();
  }

  async enter(folder: EntryView): Promise<void> {
    this.trail = [...this.trail, { location: folder.id, name: folder.name }];
    await this.reload();
  }

  async goTo(depth: number): Promise<void> {
    this.trail = this.trail.slice(0, depth + 1);
    await this.reload();
  }

  async up(): Promise<void> {
    if (this.searchQuery !== null) {
      await this.reload();
    } else if (this.trail.length > 1) {
      await this.goTo(this.trail.length - 2);
    }
  }

  /** Lists the current place again without clearing the filter or selection (a refresh found changes). */
  async refreshQuietly(): Promise<void> {
    const remote = this.remote;
    if (remote === null || this.searchQuery !== null) return;
    const location = this.currentLocation();
    try {
      const listing = await unwrap(commands.listFolder(remote, location));
      if (remote !== this.remote || location !== this.currentLocation()) return;
      this.entries = listing.entries;
      this.offlineReason = listing.offlineReason;
    } catch {
      // The visible listing stays; the next navigation reports the problem.
    }
  }

  currentLocation(): string | null {
    return this.trail[this.trail.length - 1]?.location ?? null;
  }

  async reload(): Promise<void> {
    const remote = this.remote;
    if (remote === null) return;
    const location = this.trail[this.trail.length - 1]?.location ?? null;
    const ticket = ++this.loadTicket;
    mark(LIST_REQUESTED, { remote, location });
    this.loading = true;
    this.problem = null;
    this.searchQuery = null;
    this.filter = "";
    // Another folder's rows must not show under this folder's breadcrumb while it loads.
    this.entries = [];
    this.selection = emptySelection();
    const started = performance.now();
    try {
      const listing = await unwrap(commands.listFolder(remote, location));
      if (ticket !== this.loadTicket) return; // a newer click won
      this.entries = listing.entries;
      this.abilities = listing.abilities;
      this.offlineReason = listing.offlineReason;
      this.fromCache = listing.fromCache;
      this.selection = emptySelection();
      this.timings = { ...this.timings, list: performance.now() - started };
    } catch (error) {
      if (ticket !== this.loadTicket) return;
      this.entries = [];
      this.problem = describeError(error);
    } finally {
      if (ticket === this.loadTicket) this.loading = false;
    }
  }

  async search(query: string, everywhere = false): Promise<void> {
    const remote = this.remote;
    if (remote === null || !query.trim()) return;
    const ticket = ++this.loadTicket;
    this.loading = true;
    this.problem = null;
    try {
      const results = await unwrap(commands.searchDocuments(everywhere ? null : remote, query));
      if (ticket !== this.loadTicket) return;
      this.entries = results;
      this.searchQuery = query;
      this.filter = "";
      this.selection = emptySelection();
    } catch (error) {
      if (ticket !== this.loadTicket) return;
      this.problem = describeError(error);
    } finally {
      if (ticket === this.loadTicket) this.loading = false;
    }
  }
}
