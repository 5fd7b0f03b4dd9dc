//! `docket queue`: list the transfer queue, act on one transfer, or work the queue headless until it is empty.

use std::collections::HashMap;
use std::sync::Arc;

use docket_app::settings::{Settings, SettingsFile, TransferSettings};
use docket_store::queue::{QueueAction, TransferRecord, TransferState};
use docket_store::QueueStore;
use docket_transfer::{EngineConfig, JobEnd, RunScope, TransferQueue};

use crate::cli::{LimitArgs, QueueArgs, QueueCommand, Selection};
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json, stderr_line, terminal_safe};

mod orphans;

pub use orphans::note as note_orphans;

/// The queue of the data dir, ready to run under `limits` (the app's Settings for those not given); completed
/// downloads are recorded in the catalog.
pub async fn open(context: &Context, limits: &LimitArgs) -> Result<TransferQueue, CliError> {
    let workspace = &context.workspace;
    let store = QueueStore::new(docket_store::database::open(&workspace.data_dir).await?);
    // Its own remotes: what another process changes is read when the queue first asks for a remote.
    let remotes = Arc::new(workspace.unread_remotes());
    let config = engine_config(&settings(context).engine_config(), limits);
    Ok(workspace.transfer_queue(store, remotes, config))
}

/// The settings the window saved in this data dir (their defaults when it saved none).
pub(crate) fn settings(context: &Context) -> Settings {
    SettingsFile::open(&context.workspace.data_dir).load()
}

/// What the app's Settings limit that the command line did not, said before a run so a slow download is not a
/// mystery; `None` when nothing is limited that way.
pub fn limits_from_settings(context: &Context, limits: &LimitArgs) -> Option<String> {
    let saved = settings(context);
    let defaults = TransferSettings::default();
    let mut said = Vec::new();
    if limits.limit_rate.is_none() && saved.bandwidth_limit_kib != defaults.bandwidth_limit_kib {
        let rate = u64::from(saved.bandwidth_limit_kib) * 1024;
        said.push(format!(
            "at most {}/s (--limit-rate overrides)",
            human_size(rate)
        ));
    }
    if limits.at_once.is_none() && saved.concurrency != defaults.transfers_at_once {
        said.push(format!(
            "{} large at once (--at-once overrides)",
            saved.concurrency
        ));
    }
    (!said.is_empty()).then(|| {
        format!(
            "downloads run as the app's Settings say: {}",
            said.join(", ")
        )
    })
}

/// `base` (the app's Settings) with what the command line gave instead.
fn engine_config(base: &EngineConfig, limits: &LimitArgs) -> EngineConfig {
    EngineConfig {
        max_transfers: limits.at_once.map_or(base.max_transfers, usize::from),
        max_connections: limits
            .max_connections
            .map_or(base.max_connections, usize::from),
        max_connections_per_remote: limits
            .per_remote
            .map_or(base.max_connections_per_remote, usize::from),
        bandwidth_limit: limits.limit_rate.or(base.bandwidth_limit),
        ..base.clone()
    }
}

pub async fn run(context: &Context, args: QueueArgs) -> Result<(), CliError> {
    let limits = match &args.command {
        Some(QueueCommand::Run(run)) => &run.limits,
        _ => &LimitArgs::default(),
    };
    let queue = open(context, limits).await?;
    match args.command {
        None => list(&queue, args.json).await,
        Some(QueueCommand::Pause(which)) => act(&queue, QueueAction::Pause, which).await,
        Some(QueueCommand::Resume(which)) => act(&queue, QueueAction::Resume, which).await,
        Some(QueueCommand::Cancel(which)) => act(&queue, QueueAction::Cancel, which).await,
        Some(QueueCommand::Retry(which)) => act(&queue, QueueAction::Retry, which).await,
        Some(QueueCommand::Move { id, position }) => {
            let placed = queue.move_to_place(id, position as usize).await?;
            if placed.place != position as usize {
                println!(
                    "{id} is last, at {} (fewer transfers are waiting)",
                    placed.place
                );
            }
            if placed.priority != placed.previous_priority {
                println!(
                    "{id} now has priority {} (was {}) to run at that place",
                    placed.priority, placed.previous_priority
                );
            }
            Ok(())
        }
        Some(QueueCommand::Priority { id, priority }) => {
            Ok(queue.reprioritise(id, priority).await?)
        }
        Some(QueueCommand::Remove { id }) => Ok(queue.remove(id).await?),
        Some(QueueCommand::Clear) => {
            let removed = queue.clear_finished().await?;
            let noun = if removed == 1 {
                "transfer"
            } else {
                "transfers"
            };
            println!("removed {removed} finished {noun}");
            Ok(())
        }
        Some(QueueCommand::Run(run)) => {
            if let Some(note) = limits_from_settings(context, &run.limits) {
                eprintln!("docket: {note}");
            }
            work(&queue, offline_wait(&run.limits)).await
        }
        Some(QueueCommand::Orphans(orphans)) => orphans::run(&queue, orphans).await,
    }
}

/// How long a run waits for an unreachable server before giving up on what waits for it.
pub fn offline_wait(limits: &LimitArgs) -> Option<std::time::Duration> {
    limits.offline_wait.unwrap_or_default().0
}

/// One transfer, or with `--all` every one the action fits (saying how many).
async fn act(queue: &TransferQueue, action: QueueAction, which: Selection) -> Result<(), CliError> {
    if let (Some(id), false) = (which.id, which.all) {
        match action {
            QueueAction::Pause => queue.pause(id).await?,
            QueueAction::Resume => queue.resume(id).await?,
            QueueAction::Cancel => queue.cancel(id).await?,
            QueueAction::Retry => queue.retry(id).await?,
        }
        return Ok(());
    }
    let applied = queue.apply_to_all(action).await?;
    let verb = match action {
        // "retried" would not say where they went.
        QueueAction::Retry => "queued again",
        other => other.rule().verb,
    };
    let noun = if applied == 1 {
        "transfer"
    } else {
        "transfers"
    };
    println!("{verb} {applied} {noun}");
    Ok(())
}

async fn list(queue: &TransferQueue, json: bool) -> Result<(), CliError> {
    let transfers = queue.list().await?;
    if json {
        print_json(&transfers);
        return Ok(());
    }
    if transfers.is_empty() {
        println!("the queue is empty");
    }
    for transfer in &transfers {
        println!("{}", terminal_safe(&line(transfer)));
    }
    orphans::note(queue, &[]).await;
    Ok(())
}

/// `  12  downloading   3.1 MiB/256.0 MiB  demo-inforouter  /Engineering/Data/telemetry-archive.bin`
fn line(transfer: &TransferRecord) -> String {
    let size = match transfer.bytes_total {
        Some(total) => format!("{}/{}", human_size(transfer.bytes_done), human_size(total)),
        None => human_size(transfer.bytes_done),
    };
    let mut line = format!(
        "{:>4}  {:<18}  {:>21}  {}  {}",
        transfer.id,
        transfer.state.to_string(),
        size,
        transfer.remote,
        transfer.document
    );
    if let Some(path) = &transfer.saved_path {
        line.push_str(&format!("  -> {}", path.display()));
    } else if let Some(error) = &transfer.last_error {
        line.push_str(&format!("  ({error})"));
    }
    line
}

/// Works every pending transfer until none is left; fails when any of them failed or still waits for its server
/// after `patience`.
async fn work(
    queue: &TransferQueue,
    patience: Option<std::time::Duration>,
) -> Result<(), CliError> {
    orphans::note(queue, &[]).await;
    let mut events = queue.subscribe();
    let waits_said = async {
        let mut told = std::collections::HashSet::new();
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            if let (TransferState::Queued, Some(why)) = (event.state, event.message) {
                if told.insert((event.id, why.clone())) {
                    stderr_line(&format!(
                        "docket: {}: {why}; Ctrl-C leaves it in the queue",
                        event.id
                    ));
                }
            }
        }
    };
    let summary = tokio::select! {
        summary = queue.run_with_patience(RunScope::All, patience) => summary?,
        () = waits_said => return Err(CliError::Io("the progress channel closed".into())),
    };
    let mut failed = 0;
    let mut unreachable = 0;
    // One read for the report, however many transfers ran.
    let records: HashMap<i64, TransferRecord> = queue
        .store()
        .list()
        .await?
        .into_iter()
        .map(|record| (record.id, record))
        .collect();
    for (id, end) in &summary.ended {
        let Some(record) = records.get(id) else {
            continue;
        };
        match end {
            JobEnd::Completed => {
                if let Some(path) = &record.saved_path {
                    println!("{id}: saved {}", terminal_safe(&path.display().to_string()));
                }
            }
            JobEnd::Failed(message) => {
                failed += 1;
                stderr_line(&format!(
                    "docket: {id}: {}: {}: {message}",
                    record.remote, record.document
                ));
            }
            JobEnd::Paused => println!("{id}: paused"),
            JobEnd::Cancelled => println!("{id}: cancelled"),
            JobEnd::WaitingForRemote(why) => {
                unreachable += 1;
                stderr_line(&format!("docket: {id}: {why}; it stays queued"));
            }
        }
    }
    if failed > 0 {
        return Err(CliError::Input(format!(
            "{failed} of {} transfers failed (see `docket queue`)",
            summary.ended.len()
        )));
    }
    if unreachable > 0 {
        return Err(CliError::Input(format!(
            "{unreachable} of {} transfers wait for a server that cannot be reached; they stay queued: \
             `docket queue run` finishes them once it answers (--offline-wait sets how long a run waits)",
            summary.ended.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apps_limits_hold_where_the_command_line_gives_none() {
        let saved = Settings {
            concurrency: 1,
            bandwidth_limit_kib: 256,
            ..Settings::default()
        }
        .engine_config();
        let config = engine_config(&saved, &LimitArgs::default());
        assert_eq!(config.max_transfers, 1);
        assert_eq!(config.bandwidth_limit, Some(256 * 1024));

        let given = LimitArgs {
            at_once: Some(4),
            limit_rate: Some(2 << 20),
            ..LimitArgs::default()
        };
        let config = engine_config(&saved, &given);
        assert_eq!(config.max_transfers, 4);
        assert_eq!(config.bandwidth_limit, Some(2 << 20));
    }
}
