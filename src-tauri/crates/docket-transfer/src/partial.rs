//! The partial file beside the destination (`name.docket-part`): claimed under a free name, written at offsets
//! by several streams, fsynced before its ranges are recorded as durable, verified from disk, then renamed into
//! place.

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use docket_core::block_hash::BlockHashes;

use crate::block_follower;
use crate::destination::{free_path, partial_path};
use crate::error::TransferError;
use crate::file_digest::{write_all_at, write_all_vectored_at, FileDigest};
use crate::written::WrittenRanges;

pub struct PartialFile {
    pub final_path: PathBuf,
    pub path: PathBuf,
}

/// What verification read back from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub size: u64,
    /// `blake3:<hex>` ([`docket_core::content_hash`]).
    pub content_hash: String,
    pub crc32: u32,
}

impl PartialFile {
    /// The partial of `dir/name` when it exists (a transfer resuming); `None` when it is gone.
    pub fn existing(dir: &Path, name: &str) -> Option<PartialFile> {
        let final_path = dir.join(name);
        let path = partial_path(&final_path);
        path.is_file().then_some(PartialFile { final_path, path })
    }

    /// Claims a name that is free (no file, no partial) for `name`, `name (1)`, … and creates its empty partial.
    pub async fn claim(dir: &Path, name: &str) -> Result<PartialFile, TransferError> {
        let (dir, name) = (dir.to_owned(), name.to_owned());
        tokio::task::spawn_blocking(move || PartialFile::claim_now(&dir, &name))
            .await
            .map_err(|err| TransferError::io(Path::new(""))(io::Error::other(err)))?
    }

    /// [`PartialFile::claim`], on the calling (blocking) thread.
    fn claim_now(dir: &Path, name: &str) -> Result<PartialFile, TransferError> {
        std::fs::create_dir_all(dir).map_err(TransferError::io(dir))?;
        loop {
            let final_path = free_path(dir, name);
            let path = partial_path(&final_path);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Ok(PartialFile { final_path, path }),
                // Another transfer took the name between the check and the create: take the next one.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(TransferError::io(&path)(err)),
            }
        }
    }

    /// A whole small file in one blocking step: its partial (the one an earlier run left, emptied, or a newly
    /// claimed one) written, synced to disk, and digested from the bytes that were written.
    pub fn write_whole(
        dir: &Path,
        left: Option<&str>,
        name: &str,
        bytes: &[u8],
    ) -> Result<(PartialFile, Digests), TransferError> {
        let partial = match left.and_then(|left| PartialFile::existing(dir, left)) {
            Some(partial) => partial,
            None => PartialFile::claim_now(dir, name)?,
        };
        let written = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&partial.path)
            .and_then(|file| {
                write_all_at(&file, bytes, 0)?;
                file.sync_data()
            });
        written.map_err(TransferError::io(&partial.path))?;
        let mut digest = FileDigest::default();
        digest.update(bytes);
        Ok((partial, digest.into_digests()))
    }

    /// The final name (with any ` (1)` suffix).
    pub fn name(&self) -> String {
        self.final_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// A writer from `offset`, on its own handle. With `written`, every range it hands to the OS is told there
    /// (for the checkpoints and the block follower).
    pub async fn writer(
        &self,
        offset: u64,
        written: Option<Arc<WrittenRanges>>,
    ) -> Result<RangeWriter, TransferError> {
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .await
            .map_err(TransferError::io(&self.path))?
            .into_std()
            .await;
        Ok(RangeWriter {
            file: Arc::new(file),
            path: self.path.clone(),
            start: offset,
            position: offset,
            written: offset,
            pending: Vec::new(),
            pending_len: 0,
            failed: false,
            marks: written,
        })
    }

    /// fsyncs the partial (every handle's bytes the OS has accepted).
    pub async fn sync(&self) -> Result<(), TransferError> {
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .await
            .map_err(TransferError::io(&self.path))?;
        file.sync_data()
            .await
            .map_err(TransferError::io(&self.path))
    }

    /// Empties the partial (starting over).
    pub async fn truncate(&self) -> Result<(), TransferError> {
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .await
            .map_err(TransferError::io(&self.path))?;
        file.set_len(0)
            .await
            .map_err(TransferError::io(&self.path))?;
        file.sync_all().await.map_err(TransferError::io(&self.path))
    }

    pub async fn remove(&self) {
        if let Err(err) = tokio::fs::remove_file(&self.path).await {
            if err.kind() != io::ErrorKind::NotFound {
                tracing::warn!(path = %self.path.display(), "could not remove the partial file: {err}");
            }
        }
    }

    /// Reads the whole partial back: its size, content hash and CRC32, as they are on disk.
    pub async fn digests(&self) -> Result<Digests, TransferError> {
        self.digests_with(None).await
    }

    /// Like [`PartialFile::digests`], reading only the blocks `blocks` has not hashed yet (those it has were read
    /// back from disk as they were written).
    pub async fn digests_with(
        &self,
        blocks: Option<BlockHashes>,
    ) -> Result<Digests, TransferError> {
        let path = self.path.clone();
        let read = tokio::task::spawn_blocking(move || -> io::Result<Digests> {
            if let Some(blocks) = blocks {
                let (size, content_hash, crc32) = block_follower::finish_from_disk(&path, blocks)?;
                return Ok(Digests {
                    size,
                    content_hash,
                    crc32,
                });
            }
            let file = std::fs::File::open(&path)?;
            let mut digest = FileDigest::default();
            digest.advance(&file, None)?;
            Ok(digest.into_digests())
        })
        .await
        .map_err(|err| TransferError::io(&self.path)(io::Error::other(err)))?;
        read.map_err(TransferError::io(&self.path))
    }

    /// Renames the verified partial into its name, or the next free one if a file appeared there meanwhile.
    pub async fn promote(self) -> Result<PathBuf, TransferError> {
        let target = if self.final_path.exists() {
            let parent = self.final_path.parent().unwrap_or(Path::new("."));
            let name = self.name();
            free_path(parent, &name)
        } else {
            self.final_path.clone()
        };
        tokio::fs::rename(&self.path, &target)
            .await
            .map_err(TransferError::io(&target))?;
        Ok(target)
    }
}

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
}

impl RangeWriter {
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
        let outcome =
            tokio::task::spawn_blocking(move || write_all_vectored_at(&file, &pieces, at))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_write_at_their_own_offsets_and_the_digests_read_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::claim(dir.path(), "a.bin").await.unwrap();
        let mut tail = partial.writer(5, None).await.unwrap();
        tail.write(Bytes::from_static(b"world")).await.unwrap();
        assert_eq!(tail.checkpoint().await.unwrap(), 5..10);
        let mut head = partial.writer(0, None).await.unwrap();
        head.write(Bytes::from_static(b"hello")).await.unwrap();
        assert_eq!(head.checkpoint().await.unwrap(), 0..5);
        let digests = partial.digests().await.unwrap();
        assert_eq!(digests.size, 10);
        assert_eq!(digests.crc32, crc32fast::hash(b"helloworld"));
        let path = partial.promote().await.unwrap();
        assert_eq!(std::fs::read(path).unwrap(), b"helloworld");
    }

    #[tokio::test]
    async fn a_taken_name_gets_a_numbered_partial_and_the_original_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.bin"), b"mine").unwrap();
        let first = PartialFile::claim(dir.path(), "a.bin").await.unwrap();
        let second = PartialFile::claim(dir.path(), "a.bin").await.unwrap();
        assert_eq!(first.name(), "a (1).bin");
        assert_eq!(second.name(), "a (2).bin");
        assert_eq!(std::fs::read(dir.path().join("a.bin")).unwrap(), b"mine");
    }
}
