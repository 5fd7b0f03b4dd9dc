//! `docket queue orphans`: the `.docket-part` files in the download folders that no transfer owns, and a note
//! about them wherever the queue is shown or run.

use std::path::PathBuf;

use docket_transfer::orphans::OrphanPartial;
use docket_transfer::TransferQueue;

use crate::cli::OrphansArgs;
use crate::failure::CliError;
use crate::output::{human_size, print_json, terminal_safe};

pub async fn run(queue: &TransferQueue, args: OrphansArgs) -> Result<(), CliError> {
    let dirs = absolute(&args.dirs)?;
    let orphans = queue.orphan_partials(&dirs).await?;
    if args.json {
        print_json(&orphans);
    } else if orphans.is_empty() {
        println!("no partial file without a transfer");
    } else {
        for orphan in &orphans {
            // A download folder may hold names made to attack a terminal.
            println!("{}", terminal_safe(&line(orphan)));
        }
    }
    if !args.remove {
        return Ok(());
    }
    let mut refused = Vec::new();
    for orphan in &orphans {
        match queue.remove_orphan_partial(&orphan.path, &dirs).await {
            Ok(()) => {
                if !args.json {
                    println!(
                        "removed {}",
                        terminal_safe(&orphan.path.display().to_string())
                    );
                }
            }
            Err(err) => refused.push(err.to_string()),
        }
    }
    match refused.len() {
        0 => Ok(()),
        _ => Err(CliError::Input(refused.join("; "))),
    }
}

/// One line on stderr when partial files nobody owns sit in the download folders (and `more_dirs`).
pub async fn note(queue: &TransferQueue, more_dirs: &[PathBuf]) {
    match queue.orphan_partials(more_dirs).await {
        Ok(orphans) if !orphans.is_empty() => {
            let bytes: u64 = orphans.iter().map(|o| o.bytes).sum();
            let (count, noun) = match orphans.len() {
                1 => ("1".to_owned(), "partial file belongs"),
                n => (n.to_string(), "partial files belong"),
            };
            eprintln!(
                "docket: note: {count} {noun} to no transfer ({}; Docket never reuses them): \
                 `docket queue orphans` lists them, `--remove` deletes them",
                human_size(bytes)
            );
        }
        Ok(_) => {}
        Err(err) => tracing::warn!("could not look for partial files without a transfer: {err}"),
    }
}

fn line(orphan: &OrphanPartial) -> String {
    let what = if orphan.not_a_file {
        "not a regular file (Docket never made it)".to_owned()
    } else {
        human_size(orphan.bytes)
    };
    format!("{}  {what}", orphan.path.display())
}

fn absolute(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    dirs.iter()
        .map(|dir| {
            std::path::absolute(dir)
                .map_err(|err| CliError::Io(format!("{}: {err}", dir.display())))
        })
        .collect()
}
