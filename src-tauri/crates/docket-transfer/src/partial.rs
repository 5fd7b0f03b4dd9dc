//! The partial file beside the destination (`name.docket-part`): claimed under a free name, written at offsets
//! by several streams, fsynced before its ranges are committed, verified from disk, then renamed into place.

use std::io::{self, Read, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use crate::destination::{free_path, partial_path};
use crate::error::TransferError;

pub struct PartialFile {
    pub final_path: PathBuf,
    pub path: PathBuf,
}

/// What verification read back from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub size: u64,
    pub sha256: String,
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
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(TransferError::io(dir))?;
        loop {
            let final_path = free_path(dir, name);
            let path = partial_path(&final_path);
            match tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .await
            {
                Ok(_) => return Ok(PartialFile { final_path, path }),
                // Another transfer took the name between the check and the create: take the next one.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(TransferError::io(&path)(err)),
            }
        }
    }

    /// The final name (with any ` (1)` suffix).
    pub fn name(&self) -> String {
        self.final_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// A writer positioned at `offset`, on its own handle so streams never share a file position.
    pub async fn writer(&self, offset: u64) -> Result<RangeWriter, TransferError> {
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .await
            .map_err(TransferError::io(&self.path))?;
        file.seek(SeekFrom::Start(offset))
            .await
            .map_err(TransferError::io(&self.path))?;
        Ok(RangeWriter {
            file,
            path: self.path.clone(),
            start: offset,
            position: offset,
            failed: false,
        })
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

    /// Reads the whole partial back: its size, SHA-256 and CRC32, as they are on disk.
    pub async fn digests(&self) -> Result<Digests, TransferError> {
        let path = self.path.clone();
        let read = tokio::task::spawn_blocking(move || -> io::Result<Digests> {
            let mut file = std::fs::File::open(&path)?;
            let mut sha = Sha256::new();
            let mut crc = crc32fast::Hasher::new();
            let mut size = 0u64;
            let mut buffer = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buffer)?;
                if n == 0 {
                    break;
                }
                sha.update(&buffer[..n]);
                crc.update(&buffer[..n]);
                size += n as u64;
            }
            Ok(Digests {
                size,
                sha256: hex(&sha.finalize()),
                crc32: crc.finalize(),
            })
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

/// Writes one stream's bytes from a starting offset; `checkpoint` makes them durable.
pub struct RangeWriter {
    file: tokio::fs::File,
    path: PathBuf,
    start: u64,
    position: u64,
    /// A write or flush failed. tokio's `File` writes in the background and reports a failure on a later call,
    /// so after one nothing since the last checkpoint is known to be on disk: none of it is ever committed.
    failed: bool,
}

impl RangeWriter {
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Bytes written since the last checkpoint.
    pub fn pending(&self) -> u64 {
        self.position - self.start
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), TransferError> {
        if let Err(err) = self.file.write_all(bytes).await {
            self.failed = true;
            return Err(TransferError::io(&self.path)(err));
        }
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// fsyncs what was written and answers the range that is now durable (to commit to the queue).
    pub async fn checkpoint(&mut self) -> Result<Range<u64>, TransferError> {
        if self.position == self.start || self.failed {
            return Ok(self.start..self.start);
        }
        let synced = match self.file.flush().await {
            Ok(()) => self.file.sync_data().await,
            Err(err) => Err(err),
        };
        if let Err(err) = synced {
            self.failed = true;
            return Err(TransferError::io(&self.path)(err));
        }
        let durable = self.start..self.position;
        self.start = self.position;
        Ok(durable)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_write_at_their_own_offsets_and_the_digests_read_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::claim(dir.path(), "a.bin").await.unwrap();
        let mut tail = partial.writer(5).await.unwrap();
        tail.write(b"world").await.unwrap();
        assert_eq!(tail.checkpoint().await.unwrap(), 5..10);
        let mut head = partial.writer(0).await.unwrap();
        head.write(b"hello").await.unwrap();
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
