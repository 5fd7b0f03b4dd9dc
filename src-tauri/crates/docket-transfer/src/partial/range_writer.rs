//! One stream's writer into a partial file: bytes gathered as they arrived (no copy) into large positional writes,
//! fsynced at checkpoints so the ranges the queue records are on disk.

use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;

use crate::error::TransferError;
use crate::file_digest::write_all_vectored_at;
use crate::write_behind::{start_writeback, WriteBehind};
use crate::written::WrittenRanges;

/// Bytes a writer gathers (as the buffers they arrived in) before it hands them to the OS in one write.
const WRITE_BUFFER: usize = 256 * 1024;

/// Writes one stream's bytes from a starting offset, gathering them into writes of [`WRITE_BUFFER`] bytes.
pub struct RangeWriter {
    file: Arc<std::fs::File>,
    path: PathBuf,
    /// Where the last [`RangeWriter::checkpoint`] ended.
    start: u64,
    /// The end of the bytes given to [`RangeWriter::write`].
    position: u64,
    /// The end of the bytes handed to the OS.
    written: u64,
    /// Received buffers not yet handed to the OS, kept as they arrived (no copy).
    pending: Vec<Bytes>,
    pending_len: usize,
    /// A write failed: nothing more is written or reported as written.
    failed: bool,
    marks: Option<Arc<WrittenRanges>>,
    /// How far the kernel was asked to write the bytes out (see [`crate::write_behind`]).
    behind: WriteBehind,
}

impl RangeWriter {
    pub(super) fn new(
        file: std::fs::File,
        path: PathBuf,
        offset: u64,
        marks: Option<Arc<WrittenRanges>>,
    ) -> Self {
        RangeWriter {
            file: Arc::new(file),
            path,
            start: offset,
            position: offset,
            written: offset,
            pending: Vec::new(),
            pending_len: 0,
            failed: false,
            marks,
            behind: WriteBehind::from(offset),
        }
    }

    /// The end of the bytes given to the writer (on disk once [`RangeWriter::flush`] returned).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The end of the bytes handed to the OS: where a stream that failed continues.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub async fn write(&mut self, bytes: Bytes) -> Result<(), TransferError> {
        if self.failed {
            return Err(TransferError::io(&self.path)(io::Error::other(
                "an earlier write to this file failed",
            )));
        }
        self.position += bytes.len() as u64;
        self.pending_len += bytes.len();
        self.pending.push(bytes);
        if self.pending_len >= WRITE_BUFFER {
            self.flush().await?;
        }
        Ok(())
    }

    /// Hands the gathered bytes to the OS (a positioned write, off the async threads) and reports them written.
    pub async fn flush(&mut self) -> Result<(), TransferError> {
        if self.pending.is_empty() || self.failed {
            return Ok(());
        }
        let pieces = std::mem::take(&mut self.pending);
        let len = std::mem::take(&mut self.pending_len) as u64;
        let file = Arc::clone(&self.file);
        let at = self.written;
        let writeback = self.behind.due(at + len, false);
        let outcome = tokio::task::spawn_blocking(move || {
            write_all_vectored_at(&file, &pieces, at)?;
            if let Some(range) = writeback {
                start_writeback(&file, range);
            }
            Ok::<(), io::Error>(())
        })
        .await
        .map_err(|err| TransferError::io(&self.path)(io::Error::other(err)))?;
        if let Err(err) = outcome {
            self.failed = true;
            return Err(TransferError::io(&self.path)(err));
        }
        self.written = at + len;
        if let Some(marks) = &self.marks {
            marks.add(at..self.written);
        }
        Ok(())
    }

    /// Writes and fsyncs everything given so far; answers the range made durable since the last checkpoint.
    pub async fn checkpoint(&mut self) -> Result<Range<u64>, TransferError> {
        self.flush().await?;
        if self.written == self.start || self.failed {
            return Ok(self.start..self.start);
        }
        let file = Arc::clone(&self.file);
        let synced = tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .map_err(|err| TransferError::io(&self.path)(io::Error::other(err)))?;
        if let Err(err) = synced {
            self.failed = true;
            return Err(TransferError::io(&self.path)(err));
        }
        let durable = self.start..self.written;
        self.start = self.written;
        Ok(durable)
    }
}
