//! `docket get NAME DOCUMENT`: a straight, verified download with a progress bar on a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use docket_core::{DocRef, PrepareObserver, PrepareStatus};
use docket_transfer::{download, ByteProgress, DownloadRequest};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::GetArgs;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json};

#[derive(Serialize)]
struct SavedJson {
    path: PathBuf,
    bytes: u64,
    sha256: String,
}

pub async fn run(context: &Context, args: GetArgs) -> Result<(), CliError> {
    let (_, provider) = context.provider(&args.remote)?;
    let dest_dir = match args.to.clone() {
        Some(dir) => dir,
        None => std::env::current_dir()
            .map_err(|err| CliError::Io(format!("no current folder to save into: {err}")))?,
    };
    let doc = DocRef::new(args.document.clone());
    let bar = TerminalProgress::new(!args.json && std::io::stderr().is_terminal());
    let request = DownloadRequest {
        provider: provider.as_ref(),
        http: &context.http,
        doc: &doc,
        version: args.version.as_deref(),
        dest_dir: &dest_dir,
        observer: &bar,
        progress: &bar,
    };
    let outcome = download(request).await;
    bar.finish();
    let saved = outcome.map_err(|err| CliError::remote(&args.remote, Some(&args.document), err))?;
    if args.json {
        print_json(&SavedJson {
            path: saved.path,
            bytes: saved.bytes,
            sha256: saved.sha256,
        });
    } else {
        println!(
            "saved {} ({}, sha256 {})",
            saved.path.display(),
            human_size(saved.bytes),
            saved.sha256
        );
    }
    Ok(())
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

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl PrepareObserver for TerminalProgress {
    fn status(&self, status: PrepareStatus) {
        if let Some(bar) = &self.bar {
            match status {
                PrepareStatus::WaitingForServer { state } => {
                    bar.set_message(format!("waiting for the server ({state})"));
                    bar.tick();
                }
            }
        }
    }
}

impl ByteProgress for TerminalProgress {
    fn advanced(&self, done: u64, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        if let Some(total) = total {
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
        bar.set_position(done);
    }
}
