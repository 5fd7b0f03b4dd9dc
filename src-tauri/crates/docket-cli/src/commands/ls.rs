//! `docket ls NAME [LOCATION]`: answers from the local catalog at once, then brings the catalog up to date from
//! the server for next time (`--refresh` waits for the server first, `--offline` never asks it).

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use docket_core::{Entry, EntryKind, Location};
use docket_store::catalog::CachedListing;
use docket_store::{LocalCopy, LocalState};
use serde::Serialize;

use crate::cli::LsArgs;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{entries_table, print_json, stderr_line};

/// How long `ls` keeps revalidating after it answered from the cache; the catalog stays as it was if cut off.
const REVALIDATE_LIMIT: Duration = Duration::from_secs(15);

/// One line of `docket ls --json`.
#[derive(Serialize)]
struct ListedEntry<'a> {
    id: &'a str,
    name: &'a str,
    kind: EntryKind,
    size: Option<u64>,
    mime: Option<&'a str>,
    modified: Option<&'a str>,
    version: Option<&'a str>,
    /// Where Docket saved the document, when it did.
    local_path: Option<String>,
    /// `present`, `missing` (deleted or moved away) or `changed` (modified since downloaded).
    local_state: Option<LocalState>,
}

pub async fn run(context: &Context, args: LsArgs) -> Result<(), CliError> {
    let remote = args.remote.as_str();
    // Also checks that the remote exists before anything else is said about it.
    context.workspace.book.get(remote).await?;
    let location = Location::at(args.location.clone().unwrap_or_default());
    let catalog = &context.workspace.catalog;
    let cached = catalog.cached(remote, &location).await?;

    if args.offline {
        let listing = cached.ok_or_else(|| not_cached(&args))?;
        show(context, &args, &listing).await?;
        let status = catalog.remote_status(remote).await?;
        if let Some(offline) = status.offline {
            stderr_line(&format!(
                "docket: {remote} was offline when last tried ({}); listing cached {}",
                offline.reason,
                age(listing.fetched_at)
            ));
        }
        return Ok(());
    }

    match cached {
        Some(listing) if !args.refresh => {
            show(context, &args, &listing).await?;
            // The answer is out; what follows only updates the catalog for next time.
            let _ = std::io::stdout().flush();
            revalidate(context, &args, &location, &listing).await;
            Ok(())
        }
        cached => {
            let (_, provider) = context.provider(remote).await?;
            if let Err(err) = catalog.refresh(remote, &location, provider.as_ref()).await {
                return Err(match cached {
                    Some(listing) if err.is_unreachable() => CliError::Input(format!(
                        "{err}; `docket ls {remote}{} --offline` shows the listing cached {}",
                        location_arg(&args),
                        age(listing.fetched_at)
                    )),
                    _ => err.into(),
                });
            }
            let listing = catalog
                .cached(remote, &location)
                .await?
                .ok_or_else(|| not_cached(&args))?;
            show(context, &args, &listing).await
        }
    }
}

async fn revalidate(
    context: &Context,
    args: &LsArgs,
    location: &Location,
    listing: &CachedListing,
) {
    let remote = args.remote.as_str();
    let provider = match context.provider(remote).await {
        Ok((_, provider)) => provider,
        Err(err) => {
            stderr_line(&format!(
                "docket: this is the listing cached {}; it could not be refreshed: {err}",
                age(listing.fetched_at)
            ));
            return;
        }
    };
    let refresh = context
        .workspace
        .catalog
        .refresh(remote, location, provider.as_ref());
    match tokio::time::timeout(REVALIDATE_LIMIT, refresh).await {
        Ok(Ok(diff)) if !diff.is_empty() => eprintln!(
            "docket: {remote} changed since this listing was cached: {} added, {} changed, {} removed; run the \
             command again to see them",
            diff.added.len(),
            diff.changed.len(),
            diff.removed.len()
        ),
        Ok(Ok(_)) => {}
        Ok(Err(err)) if err.is_unreachable() => stderr_line(&format!(
            "docket: {remote} is offline, so this is the listing cached {} ({err})",
            age(listing.fetched_at)
        )),
        Ok(Err(err)) => stderr_line(&format!(
            "docket: this is the listing cached {}; refreshing it failed: {err}",
            age(listing.fetched_at)
        )),
        Err(_) => eprintln!(
            "docket: this is the listing cached {}; the server did not finish answering within {} s",
            age(listing.fetched_at),
            REVALIDATE_LIMIT.as_secs()
        ),
    }
}

async fn show(context: &Context, args: &LsArgs, listing: &CachedListing) -> Result<(), CliError> {
    let copies: HashMap<String, LocalCopy> =
        context.workspace.catalog.local_copies(&args.remote).await?;
    let local = |entry: &Entry| match entry.kind {
        EntryKind::Document => copies.get(&entry.id),
        EntryKind::Folder => None,
    };
    let entries = &listing.entries;
    if args.json {
        let listed: Vec<ListedEntry> = entries
            .iter()
            .map(|entry| {
                let copy = local(entry);
                ListedEntry {
                    id: &entry.id,
                    name: &entry.name,
                    kind: entry.kind,
                    size: entry.size,
                    mime: entry.mime.as_deref(),
                    modified: entry.modified.as_deref(),
                    version: entry.version.as_deref(),
                    local_path: copy.map(|c| c.path.display().to_string()),
                    local_state: copy.map(|c| c.state),
                }
            })
            .collect();
        print_json(&listed);
    } else if entries.is_empty() {
        println!("(empty)");
    } else {
        print!("{}", entries_table(entries));
        let downloaded: Vec<&LocalCopy> = entries.iter().filter_map(local).collect();
        if !downloaded.is_empty() {
            let gone = downloaded
                .iter()
                .filter(|c| c.state != LocalState::Present)
                .count();
            println!(
                "({} downloaded{}; `--json` shows where)",
                downloaded.len(),
                if gone > 0 {
                    format!(", {gone} of them missing or changed on disk")
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(())
}

fn not_cached(args: &LsArgs) -> CliError {
    CliError::Input(format!(
        "nothing of `{}`{} is in the local catalog yet: run `docket ls {}{}` once while the server can be reached",
        args.remote,
        args.location.as_deref().map(|l| format!(" at `{l}`")).unwrap_or_default(),
        args.remote,
        location_arg(args)
    ))
}

fn location_arg(args: &LsArgs) -> String {
    args.location
        .as_deref()
        .map(|l| format!(" {l}"))
        .unwrap_or_default()
}

/// `fetched_at` (unix ms) as "3 min ago".
fn age(fetched_at: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let seconds = (now - fetched_at).max(0) / 1000;
    match seconds {
        0..=59 => format!("{seconds} s ago"),
        60..=3599 => format!("{} min ago", seconds / 60),
        3600..=172_799 => format!("{} h ago", seconds / 3600),
        _ => format!("{} days ago", seconds / 86_400),
    }
}
