//! `docket get NAME DOCUMENT`: enqueue the download and (unless `--no-wait`) work it to the end with a progress
//! bar on a terminal. An interrupted `get` is finished by the next `docket queue run`, or by the same `docket get`
//! again: a document already on its way to the same folder continues from its partial file instead of starting
//! a copy. A server that cannot be reached is waited for (each try said) for `--offline-wait`, then the download
//! stays queued.

use std::io::IsTerminal;
use std::path::PathBuf;

use docket_store::queue::TransferRecord;
use docket_store::queue::{NewTransfer, TransferState};
use docket_transfer::{Enqueued, JobEnd, RunScope, TransferEvent};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::GetArgs;
use crate::commands::queue;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json, stderr_line, terminal_safe};

#[derive(Serialize)]
struct SavedJson {
    id: i64,
    path: PathBuf,
    bytes: u64,
    /// `blake3:<hex>`.
    content_hash: String,
}

pub async fn run(context: &Context, args: GetArgs) -> Result<(), CliError> {
    // Refuse an unknown remote before anything is queued.
    context.provider(&args.remote).await?;
    let dest_dir = match args.to.clone() {
        Some(dir) => dir,
        None => std::env::current_dir()
            .map_err(|err| CliError::Io(format!("no current folder to save into: {err}")))?,
    };
    let dest_dir = std::path::absolute(&dest_dir)
        .map_err(|err| CliError::Io(format!("{}: {err}", dest_dir.display())))?;
    let queue = queue::open(context, &args.limits).await?;
    if let (Some(note), false) = (
        queue::limits_from_settings(context, &args.limits),
        args.no_wait,
    ) {
        eprintln!("docket: {note}");
    }
    let enqueued = queue
        .enqueue_or_continue(&NewTransfer {
            remote: args.remote.clone(),
            document: args.document.clone(),
            version: args.version.clone(),
            dest_dir: dest_dir.clone(),
            priority: 0,
        })
        .await?;
    let id = enqueued.id();
    if let Enqueued::Continued(earlier) = &enqueued {
        eprintln!("docket: {}", continued(earlier));
    }
    queue::note_orphans(&queue, &[dest_dir]).await;
    if args.no_wait {
        if args.json {
            print_json(&serde_json::json!({ "id": id, "state": TransferState::Queued }));
        } else {
            println!("queued as {id} (run `docket queue run` to download)");
        }
        return Ok(());
    }
    let bar = TerminalProgress::new(!args.json && std::io::stderr().is_terminal());
    let mut events = queue.subscribe();
    let shown = async {
        let mut told = None;
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                // Missing a few progress updates is fine; the next one carries the totals.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            if event.id != id {
                continue;
            }
            // A transfer waiting for its server says why and when it tries again, so a waiting `get` is no mystery.
            if event.state == TransferState::Queued
                && event.message.is_some()
                && told != event.message
            {
                told = event.message.clone();
                bar.note(&format!(
                    "docket: {}; Ctrl-C leaves it in the queue",
                    event.message.as_deref().unwrap_or_default()
                ));
            }
            bar.show(&event);
        }
    };
    let patience = queue::offline_wait(&args.limits);
    let mut gave_up = None;
    tokio::select! {
        outcome = queue.run_with_patience(RunScope::Only(vec![id]), patience) => {
            gave_up = outcome?.ended.into_iter().find_map(|(ended, end)| match end {
                JobEnd::WaitingForRemote(why) if ended == id => Some(why),
                _ => None,
            });
        }
        _ = shown => {}
    }
    bar.finish();
    if let Some(why) = gave_up {
        return Err(CliError::Transfer {
            remote: args.remote,
            document: args.document,
            message: format!(
                "{why}; transfer {id} stays queued: `docket queue run` (or this `docket get` again) finishes it \
                 once the server answers, and --offline-wait sets how long to wait"
            ),
        });
    }
    let record = queue.store().get(id).await?;
    match (record.state, record.saved_path, record.content_hash) {
        (TransferState::Completed, Some(path), Some(content_hash)) => {
            let bytes = record.bytes_done;
            if args.json {
                print_json(&SavedJson {
                    id,
                    path,
                    bytes,
                    content_hash,
                });
            } else {
                println!(
                    "saved {} ({}, {content_hash})",
                    terminal_safe(&path.display().to_string()),
                    human_size(bytes)
                );
            }
            Ok(())
        }
        (state, _, _) => Err(CliError::Transfer {
            remote: args.remote,
            document: args.document,
            message: record
                .last_error
                .unwrap_or_else(|| format!("the transfer is {state} (see `docket queue`)")),
        }),
    }
}

/// What `get` says when it continues an earlier transfer of the same document into the same folder.
fn continued(earlier: &TransferRecord) -> String {
    let on_disk = match earlier.bytes_total {
        Some(total) if earlier.bytes_done > 0 => format!(
            ", {} of {} already on disk",
            human_size(earlier.bytes_done),
            human_size(total)
        ),
        _ => String::new(),
    };
    let how = match earlier.state {
        TransferState::Paused => "resuming paused transfer",
        TransferState::Failed => "retrying failed transfer",
        TransferState::Cancelled => "restarting cancelled transfer",
        TransferState::Interrupted => "resuming interrupted transfer",
        TransferState::Queued => "continuing queued transfer",
        state if state.is_worked() => {
            return format!(
            "transfer {} of this document is under way in another Docket process; waiting for it",
            earlier.id
        )
        }
        _ => "continuing transfer",
    };
    format!("{how} {}{on_disk}", earlier.id)
}

/// An indicatif bar on a terminal; silent otherwise.
struct TerminalProgress {
    bar: Option<ProgressBar>,
}

impl TerminalProgress {
    fn new(show: bool) -> Self {
        let bar = show.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_message("preparing");
            bar
        });
        TerminalProgress { bar }
    }

    fn show(&self, event: &TransferEvent) {
        let Some(bar) = &self.bar else { return };
        match event.state {
            TransferState::WaitingForServer => {
                let what = terminal_safe(event.message.as_deref().unwrap_or("preparing"));
                bar.set_message(format!("waiting for the server ({what})"));
            }
            TransferState::Refreshing => bar.set_message("refreshing the link"),
            TransferState::Downloading => {
                if let Some(total) = event.bytes_total {
                    if bar.length() != Some(total) {
                        bar.set_length(total);
                        bar.set_style(
                            ProgressStyle::with_template(
                                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                            )
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                        );
                    }
                }
                bar.set_position(event.bytes_done);
            }
            other => bar.set_message(other.to_string()),
        }
        bar.tick();
    }

    /// A line on stderr that does not tear the bar; it may quote the server, so it is made terminal safe.
    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(terminal_safe(line)),
            None => stderr_line(line),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
