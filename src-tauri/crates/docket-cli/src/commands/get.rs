//! `docket get NAME DOCUMENT`: enqueue the download and (unless `--no-wait`) work it to the end with a progress
//! bar on a terminal. An interrupted `get` is finished by the next `docket queue run` or `docket get`.

use std::io::IsTerminal;
use std::path::PathBuf;

use docket_store::queue::{NewTransfer, TransferState};
use docket_transfer::{RunScope, TransferEvent};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::GetArgs;
use crate::commands::queue;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json};

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
    let id = queue
        .enqueue(&NewTransfer {
            remote: args.remote.clone(),
            document: args.document.clone(),
            version: args.version.clone(),
            dest_dir,
            priority: 0,
        })
        .await?;
    if args.no_wait {
        if args.json {
            print_json(&serde_json::json!({ "id": id, "state": "queued" }));
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
            // A transfer put back to wait for its server says why once, so a waiting `get` is not a mystery.
            if event.state == TransferState::Queued
                && event.message.is_some()
                && told != event.message
            {
                told = event.message.clone();
                bar.note(&format!(
                    "docket: {}; Ctrl-C leaves it queued",
                    event.message.as_deref().unwrap_or_default()
                ));
            }
            bar.show(&event);
        }
    };
    tokio::select! {
        outcome = queue.run(RunScope::Only(vec![id])) => { outcome?; }
        _ = shown => {}
    }
    bar.finish();
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
                    path.display(),
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
                let what = event.message.as_deref().unwrap_or("preparing");
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

    /// A line on stderr that does not tear the bar.
    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
