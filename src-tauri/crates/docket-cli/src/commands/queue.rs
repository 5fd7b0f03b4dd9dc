//! `docket queue`: list the transfer queue, act on one transfer, or work the queue headless until it is empty.

use std::sync::Arc;

use async_trait::async_trait;
use docket_core::{Provider, ProviderError};
use docket_store::queue::TransferRecord;
use docket_store::QueueStore;
use docket_transfer::{EngineConfig, JobEnd, ProviderDirectory, RunScope, TransferQueue};

use crate::cli::{QueueArgs, QueueCommand};
use crate::context::Context;
use crate::failure::CliError;
use crate::output::{human_size, print_json};

/// The remotes and secrets of the data dir, as the transfer engine asks for them.
struct ContextDirectory(Context);

#[async_trait]
impl ProviderDirectory for ContextDirectory {
    async fn provider(&self, remote: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        match self.0.provider(remote).await {
            Ok((_, provider)) => Ok(provider),
            Err(err) => Err(ProviderError::InvalidRequest {
                message: err.to_string(),
            }),
        }
    }
}

/// The queue of the data dir, ready to run.
pub async fn open(context: &Context) -> Result<TransferQueue, CliError> {
    let pool = docket_store::database::open(&context.data_dir).await?;
    let directory = ContextDirectory(Context::new(Some(context.data_dir.clone())).await?);
    Ok(TransferQueue::new(
        QueueStore::new(pool),
        Arc::new(directory),
        context.http.clone(),
        EngineConfig::default(),
    ))
}

pub async fn run(context: &Context, args: QueueArgs) -> Result<(), CliError> {
    let queue = open(context).await?;
    match args.command {
        None => list(&queue, args.json).await,
        Some(QueueCommand::Pause { id }) => Ok(queue.pause(id).await?),
        Some(QueueCommand::Resume { id }) => Ok(queue.resume(id).await?),
        Some(QueueCommand::Cancel { id }) => Ok(queue.cancel(id).await?),
        Some(QueueCommand::Retry { id }) => Ok(queue.retry(id).await?),
        Some(QueueCommand::Run) => work(&queue).await,
    }
}

async fn list(queue: &TransferQueue, json: bool) -> Result<(), CliError> {
    let transfers = queue.list().await?;
    if json {
        print_json(&transfers);
        return Ok(());
    }
    if transfers.is_empty() {
        println!("the queue is empty");
        return Ok(());
    }
    for transfer in &transfers {
        println!("{}", line(transfer));
    }
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

/// Works every pending transfer until none is left; fails when any of them failed.
async fn work(queue: &TransferQueue) -> Result<(), CliError> {
    let summary = queue.run(RunScope::All).await?;
    let mut failed = 0;
    for (id, end) in &summary.ended {
        let record = queue.store().get(*id).await?;
        match end {
            JobEnd::Completed => {
                if let Some(path) = &record.saved_path {
                    println!("{id}: saved {}", path.display());
                }
            }
            JobEnd::Failed(message) => {
                failed += 1;
                eprintln!(
                    "docket: {id}: {}: {}: {message}",
                    record.remote, record.document
                );
            }
            JobEnd::Paused => println!("{id}: paused"),
            JobEnd::Cancelled => println!("{id}: cancelled"),
        }
    }
    if failed > 0 {
        return Err(CliError::Input(format!(
            "{failed} of {} transfers failed (see `docket queue`)",
            summary.ended.len()
        )));
    }
    Ok(())
}
