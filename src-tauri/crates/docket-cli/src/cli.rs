//! The command line, as users type it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "docket",
    version,
    about = "Browse and download from data rooms and document servers"
)]
pub struct Cli {
    /// Where Docket keeps its remotes and state (default: the OS app-data dir).
    #[arg(long, global = true, env = "DOCKET_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list or remove remotes (the servers Docket talks to).
    #[command(subcommand)]
    Remote(RemoteCommand),
    /// List a remote's folders and documents (from the local catalog at once, refreshed from the server).
    Ls(LsArgs),
    /// Find documents and folders by part of their name, across every remote, from the local catalog.
    Search(SearchArgs),
    /// Download a document, or with --recursive a whole folder (through the transfer queue).
    Get(GetArgs),
    /// Keep a local folder in step with a folder of a remote (or the whole remote): download what is new or
    /// changed, never overwrite a file changed here, delete copies of documents gone only with --delete.
    Sync(SyncArgs),
    /// Show the transfer queue, act on one transfer, or work the queue until it is empty.
    Queue(QueueArgs),
    /// Run the built-in demo server in the foreground and register its five remotes.
    Demo(DemoArgs),
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Add a remote.
    Add(RemoteAddArgs),
    /// List the remotes.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// Remove a remote and its secrets.
    Rm { name: String },
}

#[derive(Debug, Args)]
pub struct RemoteAddArgs {
    pub name: String,
    // The help lists the registered kinds, so a new kind needs no edit here.
    #[arg(long, value_parser = parse_kind, help = kind_help())]
    pub kind: docket_core::Kind,
    /// The server's base address.
    #[arg(long)]
    pub url: String,
    /// A non-secret setting, KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub settings: Vec<String>,
    /// A secret to store in the OS keyring: read from DOCKET_SECRET_<REMOTE>_<KEY> (or DOCKET_SECRET_<KEY>), else
    /// asked for without echo.
    #[arg(long = "secret", value_name = "KEY")]
    pub secrets: Vec<String>,
    /// Replace a remote of the same name.
    #[arg(long)]
    pub replace: bool,
}

/// The registered kind ids, as `--kind` help: `ansarada, index-health, … or study-creator.`
fn kind_help() -> String {
    let ids: Vec<&str> = docket_providers::registry::entries()
        .map(|entry| entry.kind.id())
        .collect();
    match ids.split_last() {
        Some((last, [])) => format!("{last}."),
        Some((last, rest)) => format!("{} or {last}.", rest.join(", ")),
        None => String::new(),
    }
}

/// A kind name, or a usage error that lists the kinds.
fn parse_kind(text: &str) -> Result<docket_core::Kind, String> {
    docket_providers::registry::find(text)
        .map(|entry| entry.kind)
        .map_err(|err| err.to_string())
}

#[derive(Debug, Args)]
pub struct LsArgs {
    pub remote: String,
    /// A folder id or path, a collection, a study, or an entity filter (default: the root).
    pub location: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Wait for the server's current listing instead of answering from the local catalog first.
    #[arg(long, conflicts_with = "offline")]
    pub refresh: bool,
    /// Answer only from the local catalog; never contact the server.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Part of a name; several words must all appear.
    pub text: String,
    /// Only this remote.
    #[arg(long)]
    pub remote: Option<String>,
    /// `folder` or `document`.
    #[arg(long, value_parser = ["folder", "document"])]
    pub kind: Option<String>,
    /// A MIME type or part of one (`pdf`, `text/csv`), or a file extension (`.xlsx`).
    #[arg(long = "type", value_name = "TYPE")]
    pub file_type: Option<String>,
    /// At least this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub min_size: Option<u64>,
    /// At most this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
    /// Modified on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Modified before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub before: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    pub remote: String,
    /// The document id the server uses; with --recursive, a folder (as `docket ls` takes it).
    pub document: String,
    /// Download the folder DOCUMENT names with everything below it, its tree rebuilt under --to; documents saved
    /// by an earlier run and unchanged since are not downloaded again.
    #[arg(long, conflicts_with_all = ["version", "no_wait"])]
    pub recursive: bool,
    /// A version id (`FV_…`, `2000000`, …); default: the latest.
    #[arg(long)]
    pub version: Option<String>,
    /// The folder to save into (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Only add the download to the queue; `docket queue run` does it.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    pub remote: String,
    /// The folder to sync (as `docket ls` takes it); default: the whole remote.
    pub folder: Option<String>,
    /// The local folder the tree is kept in.
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Say what would be downloaded, kept and deleted, and do none of it.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete local copies of documents gone from the server (only copies still as Docket saved them).
    #[arg(long)]
    pub delete: bool,
    /// Keep the earlier copy of a document that changed on the server, named with its version (default: the app's
    /// Settings, off unless turned on there).
    #[arg(long)]
    pub keep_versions: bool,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// How hard a run may push the servers and the line.
#[derive(Debug, Args, Default)]
pub struct LimitArgs {
    /// Large downloads at once (default: the app's Settings, 3 unless changed there); files up to 1 MiB download
    /// beside them.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub at_once: Option<u16>,
    /// Requests in flight across every remote (default 16).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections: Option<u16>,
    /// Requests in flight to one remote (default 8).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub per_remote: Option<u16>,
    /// Bytes per second across all downloads; K, M and G multiply by 1024 (`500K`, `20M`, `1.5M/s`) (default:
    /// the app's Settings, unlimited unless set there).
    #[arg(long, value_name = "BYTES/s", value_parser = crate::rate::parse_rate)]
    pub limit_rate: Option<u64>,
    /// How long to wait for a server that cannot be reached before giving up (the download stays queued):
    /// `90s`, `5m`, `0`, `forever` (default 60s).
    #[arg(long, value_name = "DURATION", value_parser = crate::patience::parse_offline_wait)]
    pub offline_wait: Option<crate::patience::OfflineWait>,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub command: Option<QueueCommand>,
    /// Print the queue as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Pause a transfer (or all); partial files are kept.
    Pause(Selection),
    /// Resume a paused transfer (or all paused ones).
    Resume(Selection),
    /// Cancel a transfer (or all unfinished and failed ones) and remove partial files.
    Cancel(Selection),
    /// Queue a failed or cancelled transfer (or all of them) again.
    Retry(Selection),
    /// Move an unfinished transfer to POSITION in the order `docket queue` shows (1 runs next); it takes the
    /// priority of the place it moves to.
    Move {
        id: i64,
        #[arg(value_parser = clap::value_parser!(u32).range(1..))]
        position: u32,
    },
    /// Set a transfer's priority: higher runs first, equal ones in queue order (default 0, may be negative).
    Priority {
        id: i64,
        #[arg(allow_negative_numbers = true)]
        priority: i64,
    },
    /// Remove a transfer from the queue, cancelling it first if unfinished (a completed file stays on disk).
    Remove { id: i64 },
    /// Remove every completed, failed and cancelled transfer from the queue (downloaded files stay on disk).
    Clear,
    /// Work the queue until it is empty, resuming whatever an earlier run left unfinished.
    Run(RunArgs),
    /// List the `.docket-part` files in the download folders that no transfer owns (left by a crash of an older
    /// Docket, or by another data dir); Docket never reuses them.
    Orphans(OrphansArgs),
}

#[derive(Debug, Args)]
pub struct OrphansArgs {
    /// Delete them (a symlink is removed itself, never what it points to).
    #[arg(long)]
    pub remove: bool,
    #[arg(long)]
    pub json: bool,
    /// Also look in this folder (repeatable); the folders of queued downloads are always looked in.
    #[arg(long = "in", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

/// One transfer by id, or `--all`.
#[derive(Debug, Args)]
pub struct Selection {
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<i64>,
    /// Every transfer the action fits.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The first of the demo's five ports (ansarada, index-health, inforouter, sage-active, study-creator).
    #[arg(long, default_value_t = crate::commands::demo::DEFAULT_PORT_BASE)]
    pub port_base: u16,
    /// Size of the large sample file in bytes.
    #[arg(long, value_name = "BYTES")]
    pub large_file_size: Option<u64>,
}
