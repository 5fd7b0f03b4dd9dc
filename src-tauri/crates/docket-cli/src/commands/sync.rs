//! `docket sync REMOTE [FOLDER] --to DIR` and `docket get REMOTE FOLDER --recursive`: a folder's tree walked (an
//! interrupted walk goes on), planned against the copies saved before, new and changed documents downloaded
//! through the queue, and a report of what was added, updated, kept unchanged, left as a conflict, deleted or
//! failed. `--dry-run` plans and reports only.

use std::io::IsTerminal;
use std::path::PathBuf;

use docket_app::folders::{FolderError, FolderSync, SyncReport, SyncRequest, WalkLimits};
use docket_store::batches::FolderBatches;
use docket_transfer::{EngineConfig, JobEnd, RunScope};

use crate::cli::{GetArgs, LimitArgs, SyncArgs};
use crate::commands::queue;
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json, terminal_safe};

pub async fn run(context: &Context, args: SyncArgs) -> Result<(), CliError> {
    let request = SyncRequest {
        remote: args.remote,
        folder: args.folder,
        dest_root: absolute(args.to)?,
        dry_run: args.dry_run,
        delete: args.delete,
        // The app's setting holds here too; the flag asks for it on this run.
        keep_versions: args.keep_versions || queue::settings(context).keep_versions,
    };
    sync(context, request, &args.limits, args.json).await
}

/// `get --recursive`: a sync that never deletes.
pub async fn get_recursive(context: &Context, args: GetArgs) -> Result<(), CliError> {
    let to = match args.to {
        Some(dir) => dir,
        None => std::env::current_dir()
            .map_err(|err| CliError::Io(format!("no current folder to save into: {err}")))?,
    };
    let request = SyncRequest {
        remote: args.remote,
        folder: Some(args.document),
        dest_root: absolute(to)?,
        dry_run: false,
        delete: false,
        keep_versions: false,
    };
    sync(context, request, &args.limits, args.json).await
}

fn absolute(dir: PathBuf) -> Result<PathBuf, CliError> {
    std::path::absolute(&dir).map_err(|err| CliError::Io(format!("{}: {err}", dir.display())))
}

async fn sync(
    context: &Context,
    request: SyncRequest,
    limits: &LimitArgs,
    json: bool,
) -> Result<(), CliError> {
    let remote = request.remote.clone();
    let (_, provider) = context.provider(&remote).await?;
    let queue = queue::open(context, limits).await?;
    let folders = FolderSync {
        provider: provider.as_ref(),
        catalog: &context.workspace.catalog,
        batches: FolderBatches::new(context.workspace.pool.clone()),
        queue: &queue,
        retry: EngineConfig::default().retry,
        limits: WalkLimits::default(),
    };
    let on_terminal = !json && std::io::stderr().is_terminal();
    let prepared = folders
        .prepare(request, |walked| {
            if on_terminal {
                eprint!(
                    "\rdocket: listed {} folders, found {} documents",
                    walked.folders_listed, walked.documents_found
                );
            }
        })
        .await
        .map_err(|err| folder_error(&remote, err))?;
    if on_terminal {
        eprintln!();
    }
    if prepared.resumed {
        eprintln!("docket: going on with the interrupted download of this folder");
    }
    let ids = prepared.transfer_ids();
    if !ids.is_empty() {
        let (count, bytes) = prepared.to_download();
        if !json {
            eprintln!(
                "docket: downloading {count} document{} ({})",
                if count == 1 { "" } else { "s" },
                human_size(bytes)
            );
            if let Some(note) = queue::limits_from_settings(context, limits) {
                eprintln!("docket: {note}");
            }
        }
        let summary = queue
            .run_with_patience(RunScope::Only(ids), queue::offline_wait(limits))
            .await?;
        if summary
            .ended
            .iter()
            .any(|(_, end)| matches!(end, JobEnd::WaitingForRemote(_)))
        {
            eprintln!(
                "docket: {remote} cannot be reached; what is left stays queued and the next sync (or \
                 `docket queue run`) finishes it"
            );
        }
    }
    let report = folders
        .complete(prepared)
        .await
        .map_err(|err| folder_error(&remote, err))?;
    if json {
        print_json(&report);
    } else {
        print!("{}", text(&report));
    }
    if report.succeeded() {
        Ok(())
    } else {
        Err(CliError::Input(format!(
            "{} of the documents could not be downloaded (see above); run the sync again to retry them",
            report.failed.len()
        )))
    }
}

fn folder_error(remote: &str, err: FolderError) -> CliError {
    match err {
        FolderError::Queue(err) => err.into(),
        FolderError::Catalog(err) => err.into(),
        other => CliError::Io(format!("{remote}: {other}")),
    }
}

/// The report for people: one line per path that changed or needs a look, then the counts.
fn text(report: &SyncReport) -> String {
    let mut out = String::new();
    let would = if report.dry_run { "would be " } else { "" };
    for path in &report.added {
        out.push_str(&format!("{would}added      {}\n", terminal_safe(path)));
    }
    for path in &report.updated {
        out.push_str(&format!("{would}updated    {}\n", terminal_safe(path)));
    }
    for path in &report.deleted {
        out.push_str(&format!("{would}deleted    {}\n", terminal_safe(path)));
    }
    for problem in &report.conflicts {
        out.push_str(&format!(
            "conflict   {}: {}\n",
            terminal_safe(&problem.path),
            terminal_safe(&problem.reason)
        ));
    }
    for problem in &report.failed {
        out.push_str(&format!(
            "failed     {}: {}\n",
            terminal_safe(&problem.path),
            terminal_safe(&problem.reason)
        ));
    }
    out.push_str(&format!(
        "{}{} added, {} updated, {} unchanged, {} conflicts, {} deleted, {} failed\n",
        if report.dry_run { "dry run: " } else { "" },
        report.added.len(),
        report.updated.len(),
        report.unchanged,
        report.conflicts.len(),
        report.deleted.len(),
        report.failed.len()
    ));
    out
}
