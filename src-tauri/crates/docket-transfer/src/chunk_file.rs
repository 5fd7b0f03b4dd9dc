//! The partial of a chunked transfer, written chunk by chunk by several readers and made durable together: a
//! reader's chunk is written at its offset, then waits for one fdatasync that covers every chunk written before
//! that sync began, and only then is its range committed. Readers that finish while a sync runs share the next
//! one, so a round of readers costs one fsync instead of one each, and no reader ever has more than its one chunk
//! uncommitted (what a crash can cost stays one chunk per reader).

use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Mutex as AsyncMutex;

use crate::error::TransferError;
use crate::job::Job;
use crate::partial::{blocking, PartialFile};

pub(crate) struct ChunkFile {
    file: Arc<std::fs::File>,
    path: PathBuf,
    /// Chunks written and not yet synced.
    written: Mutex<Vec<Range<u64>>>,
    /// Held while one sync and its commits run.
    syncing: AsyncMutex<()>,
    /// A sync failed: the chunks it covered are not known to be on disk, so nothing more is called durable.
    failed: AtomicBool,
}

impl ChunkFile {
    pub async fn open(partial: &PartialFile) -> Result<ChunkFile, TransferError> {
        let path = partial.path.clone();
        let opened = partial.open().await?;
        Ok(ChunkFile {
            file: Arc::new(opened),
            path,
            written: Mutex::new(Vec::new()),
            syncing: AsyncMutex::new(()),
            failed: AtomicBool::new(false),
        })
    }

    /// Writes `bytes` at `offset` and hands the buffer back (for the next chunk).
    pub async fn write(&self, offset: u64, bytes: Vec<u8>) -> Result<Vec<u8>, TransferError> {
        let file = Arc::clone(&self.file);
        let (bytes, written) = tokio::task::spawn_blocking(move || {
            let written = write_at(&file, &bytes, offset);
            (bytes, written)
        })
        .await
        .map_err(|err| TransferError::io(&self.path)(io::Error::other(err)))?;
        written.map_err(TransferError::io(&self.path))?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(offset..offset + bytes.len() as u64);
        Ok(bytes)
    }

    /// Returns once every chunk written so far is on disk and committed to the queue, by this call's sync or by
    /// one that ran while it waited.
    pub async fn settle(&self, job: &Job) -> Result<(), TransferError> {
        let _turn = self.syncing.lock().await;
        if self.failed.load(Ordering::SeqCst) {
            return Err(TransferError::io(&self.path)(io::Error::other(
                "an earlier sync of this file failed",
            )));
        }
        let ranges = std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        if ranges.is_empty() {
            return Ok(());
        }
        let file = Arc::clone(&self.file);
        if let Err(err) = blocking(&self.path, move || file.sync_data()).await {
            self.failed.store(true, Ordering::SeqCst);
            return Err(err);
        }
        for range in ranges {
            job.engine.store.commit_range(job.id(), range).await?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}
