// What the file browser shows: one remote, a trail of folders, the entries, their order, filter and selection.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type EntryView_Serialize as EntryView,
  type ListingPage_Deserialize,
  type ListingPage_Serialize as ListingPage,
  type RemoteAbilities,
} from "../bindings";
import { describeError, unwrap } from "../ipc";
import { emptySelection, followRows, orderedIndices, type Selection } from "../logic/selection";
import { LIST_REQUESTED, mark } from "../logic/marks";
import { filterRows, insertSorted, sortRows, type SortOrder } from "../logic/table";

/**
 * The channel as the generated `listFolder` wants it: tauri-specta types a channel argument with the Deserialize
 * half of its type, while the messages are what Rust serializes.
 */
function pagesArgument(channel: Channel<ListingPage>): Channel<ListingPage_Deserialize> {
  return channel as unknown as Channel<ListingPage_Deserialize>;
}

export interface Crumb {
  /** The location id to list; `null` is the remote's top level. */
  location: string | null;
  name: string;
}

export class BrowserState {
  remote: string | null = $state(null);
  trail: Crumb[] = $state([]);
  abilities: RemoteAbilities = $state({ versions: false, folders: true, serverPreviews: false });
  /** Nothing to show yet. */
  loading = $state(false);
  /** Rows are shown and more pages of the listing are still coming. */
  loadingMore = $state(false);
  problem: string | null = $state(null);
  filter = $state("");
  selection: Selection = $state.raw(emptySelection());
  /** Set while the list shows search results instead of a folder. */
  searchQuery: string | null = $state(null);
  /** The cached listing is shown because the server cannot be reached. */
  offlineReason: string | null = $state(null);
  fromCache = $state(false);
  /** Milliseconds the last listing took to arrive and to be filtered and sorted, for the status bar. */
  timings = $state({ list: 0, view: 0 });

  // Raw state: 100,000 entries must not become 100,000 reactive proxies.
  #entries: EntryView[] = $state.raw([]);
  #sort: SortOrder = $state.raw({ key: "name", direction: "ascending" });
  // Sorted once per listing and order, and kept sorted as pages arrive; typing in the filter only filters the
  // sorted rows (order is kept).
  private sorted: EntryView[] = $state.raw([]);

  /** Every entry of the listing (or search) as it arrived. */
  get entries(): EntryView[] {
    return this.#entries;
  }

  set entries(entries: EntryView[]) {
    this.#entries = entries;
    this.sorted = sortRows(entries, this.#sort);
  }

  get sort(): SortOrder {
    return this.#sort;
  }

  set sort(order: SortOrder) {
    this.#sort = order;
    this.sorted = sortRows(this.#entries, order);
  }

  rows: EntryView[] = $derived.by(() => {
    const started = performance.now();
    const rows = filterRows(this.sorted, this.filter);
    this.recordViewTime(performance.now() - started);
    return rows;
  });

  private loadTicket = 0;
  /** Rows received and not merged yet: pages are merged once per frame, not once per message. */
  private arrived: EntryView[] = [];
  private mergeScheduled = false;
  /** A streamed listing was cached and the catalog's `ListingChanged` for it has not come yet. */
  private ownChangeExpected = false;

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

  /** The catalog changed the listing of the current place; ours, when it is the streamed listing being cached. */
  async listingChanged(): Promise<void> {
    if (this.loadingMore) return; // the pages still coming bring what changed
    if (this.ownChangeExpected) {
      this.ownChangeExpected = false;
      return;
    }
    await this.refreshQuietly();
  }

  /** Lists the current place again without clearing the filter or selection (a refresh found changes). */
  async refreshQuietly(): Promise<void> {
    const remote = this.remote;
    if (remote === null || this.searchQuery !== null || this.loadingMore) return;
    const location = this.currentLocation();
    try {
      const listing = await unwrap(commands.listFolder(remote, location, pagesArgument(new Channel<ListingPage>())));
      if (remote !== this.remote || location !== this.currentLocation() || !listing.complete) return;
      const before = this.rows;
      this.entries = listing.entries;
      this.selection = followRows(this.selection, before, this.rows, rowKey);
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
    this.loadingMore = false;
    this.problem = null;
    this.searchQuery = null;
    this.filter = "";
    // Another folder's rows must not show under this folder's breadcrumb while it loads.
    this.entries = [];
    this.arrived = [];
    this.ownChangeExpected = false;
    this.selection = emptySelection();
    const started = performance.now();
    // A folder never listed streams its pages; they may come before the answer below does.
    let ended = false;
    const pages = new Channel<ListingPage>();
    pages.onmessage = (page) => {
      if (ticket !== this.loadTicket) return;
      if (page.kind !== "rows") ended = true;
      this.receive(page, started);
    };
    try {
      const listing = await unwrap(commands.listFolder(remote, location, pagesArgument(pages)));
      if (ticket !== this.loadTicket) return; // a newer click won
      this.abilities = listing.abilities;
      this.offlineReason = listing.offlineReason;
      this.fromCache = listing.fromCache;
      if (listing.complete) {
        this.entries = listing.entries;
        this.selection = emptySelection();
        this.timings = { ...this.timings, list: performance.now() - started };
        this.loading = false;
      } else if (!ended) {
        this.loadingMore = true;
      }
    } catch (error) {
      if (ticket !== this.loadTicket) return;
      this.entries = [];
      this.problem = describeError(error);
      this.loading = false;
    }
  }

  /** One message of a streamed listing: rows to merge, or how it ended. */
  private receive(page: ListingPage, started: number): void {
    switch (page.kind) {
      case "rows":
        this.arrived = this.arrived.concat(page.entries);
        this.scheduleMerge();
        return;
      case "complete":
        this.mergeArrived();
        this.ownChangeExpected = page.changed;
        this.timings = { ...this.timings, list: performance.now() - started };
        break;
      case "failed":
        this.mergeArrived();
        // The rows that arrived stay in view under the problem; the listing was not cached.
        this.problem = describeError(page.error);
        break;
    }
    this.loading = false;
    this.loadingMore = false;
  }

  private scheduleMerge(): void {
    if (this.mergeScheduled) return;
    this.mergeScheduled = true;
    const ticket = this.loadTicket;
    const merge = () => {
      this.mergeScheduled = false;
      if (ticket === this.loadTicket) this.mergeArrived();
    };
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(merge);
    else setTimeout(merge, 0);
  }

  /**
   * Merges the rows that arrived into the list. They are inserted where the current sort puts them (a sorted
   * column never lies); the selection follows its rows and the file list keeps its top row in place, so what the
   * user looks at does not jump while the rest of a long folder arrives.
   */
  private mergeArrived(): void {
    const page = this.arrived;
    if (page.length === 0) return;
    this.arrived = [];
    const before = this.rows;
    this.#entries = this.#entries.concat(page);
    this.sorted = insertSorted(this.sorted, page, this.#sort);
    this.selection = followRows(this.selection, before, this.rows, rowKey);
    this.loading = false;
    if (!this.loadingMore && this.problem === null) this.loadingMore = true;
  }

  async search(query: string, everywhere = false): Promise<void> {
    const remote = this.remote;
    if (remote === null || !query.trim()) return;
    const ticket = ++this.loadTicket;
    this.loading = true;
    this.loadingMore = false;
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

/** Which row an entry is, across listings fetched again (a folder and a document may share an id). */
function rowKey(entry: EntryView): string {
  return `${entry.folder ? "folder" : "document"}:${entry.id}`;
}
