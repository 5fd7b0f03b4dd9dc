//! The partial file beside the destination: its name recorded in the queue before it is created (so a kill at any
//! instant leaves no file its transfer does not know), written at offsets by several streams, fsynced before its
//! ranges are recorded as durable, verified from disk, then renamed into a free name. It is opened only as the
//! regular file Docket created, never through a symlink.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use docket_core::block_hash::BlockHashes;
use docket_core::sanitize_file_name;
use docket_store::queue::{FilePlan, TransferRecord};
use docket_store::QueueStore;

use crate::block_follower;
use crate::destination::{
    exists_here, free_path, partial_name_for, rename_without_replacing, unnumbered,
};
use crate::error::TransferError;
use crate::file_digest::{write_all_at, FileDigest};
use crate::pause_point;
use crate::written::WrittenRanges;

mod planned;
mod range_writer;

pub use range_writer::RangeWriter;

/// How many times a fresh partial name is drawn when the drawn one exists already (someone made that file).
const RESERVE_ATTEMPTS: u32 = 8;

pub struct PartialFile {
    pub final_path: PathBuf,
    pub path: PathBuf,
    /// Which file it is ([`file_identity`]), when known: every handle opened on it must be that file.
    pub identity: Option<String>,
}

/// Which file `metadata` describes: `dev:ino` on Unix; `None` where the OS offers nothing stable.
pub fn file_identity(metadata: &std::fs::Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!("{}:{}", metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// Why the file at a transfer's partial name is not its partial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOurs {
    /// Nothing is there.
    Missing,
    /// A symlink, a folder or another kind of entry: Docket only ever creates regular files.
    NotAFile,
    /// A regular file, but not the one Docket created (replaced since).
    AnotherFile,
}

/// What verification read back from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub size: u64,
    /// `blake3:<hex>` ([`docket_core::content_hash`]).
    pub content_hash: String,
    pub crc32: u32,
}

/// Opens an existing partial for writing: a symlink put in its place is refused, not followed.
fn open_for_writing(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

impl PartialFile {
    /// The partial file `record` owns, when it is there as a regular file (a symlink or anything else put in its
    /// place is not Docket's and is left alone).
    pub fn recorded(record: &TransferRecord) -> Option<PartialFile> {
        PartialFile::check_recorded(record).ok()
    }

    /// [`PartialFile::recorded`], saying why the file at the partial's name is not the partial.
    pub fn check_recorded(record: &TransferRecord) -> Result<PartialFile, NotOurs> {
        let (Some(path), Some(file_name)) = (record.partial_path(), record.file_name.as_deref())
        else {
            return Err(NotOurs::Missing);
        };
        let final_path = record.dest_dir.join(file_name);
        let metadata = std::fs::symlink_metadata(&path).map_err(|_| NotOurs::Missing)?;
        if !metadata.file_type().is_file() {
            return Err(NotOurs::NotAFile);
        }
        let found = file_identity(&metadata);
        match (&record.partial_identity, &found) {
            (Some(recorded), Some(found)) if recorded != found => Err(NotOurs::AnotherFile),
            _ => Ok(PartialFile {
                final_path,
                path,
                identity: record.partial_identity.clone().or(found),
            }),
        }
    }

    /// Reserves a new partial for `name` in `dir`: picks a free final name (`name`, `name (1)`, …) and a partial
    /// name no file has, records both for transfer `id` (forgetting any earlier partial's progress), and only
    /// then creates the empty file.
    pub async fn reserve(
        store: &QueueStore,
        id: i64,
        dir: &Path,
        name: &str,
    ) -> Result<PartialFile, TransferError> {
        Self::reserve_as(store, id, dir, name, false).await
    }

    /// Like [`PartialFile::reserve`]; with `fixed`, the final name is `name` itself, decided by a folder's plan
    /// (whatever is there then is judged when the file is promoted).
    async fn reserve_as(
        store: &QueueStore,
        id: i64,
        dir: &Path,
        name: &str,
        fixed: bool,
    ) -> Result<PartialFile, TransferError> {
        let owned_dir = dir.to_owned();
        blocking(dir, move || std::fs::create_dir_all(&owned_dir)).await?;
        for _ in 0..RESERVE_ATTEMPTS {
            let final_path = if fixed {
                dir.join(name)
            } else {
                free_path(dir, name)
            };
            let final_name = file_name_of(&final_path);
            let partial_name = partial_name_for(&final_name, fastrand::u32(..));
            store
                .reserve_partial(id, &final_name, &partial_name)
                .await?;
            pause_point::reached("partial-reserved").await;
            let path = dir.join(&partial_name);
            let create = path.clone();
            let created = tokio::task::spawn_blocking(move || {
                // `create_new` also refuses a symlink of that name, dangling or not.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(create)
            })
            .await
            .map_err(|err| TransferError::io(&path)(io::Error::other(err)))?;
            match created {
                Ok(file) => {
                    let identity = file.metadata().ok().as_ref().and_then(file_identity);
                    if let Some(identity) = &identity {
                        store.record_partial_identity(id, identity).await?;
                    }
                    pause_point::reached("partial-created").await;
                    return Ok(PartialFile {
                        final_path,
                        path,
                        identity,
                    });
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(TransferError::io(&path)(err)),
            }
        }
        Err(TransferError::io(dir)(io::Error::other(format!(
            "every partial file name drawn for {name} exists already; remove the `.docket-part` files there \
             that no transfer owns (see `docket queue orphans`)"
        ))))
    }

    /// The partial `record` owns when it is still there; else a new one reserved for `name`. Answers whether the
    /// recorded one was kept (its recorded progress still counts); a new one starts with no progress.
    pub async fn recorded_or_reserved(
        store: &QueueStore,
        record: &TransferRecord,
        name: &str,
    ) -> Result<(PartialFile, bool), TransferError> {
        match PartialFile::check_recorded(record) {
            Ok(kept) => {
                // Created in the instant before a crash, its identity was not recorded yet: it is recorded now.
                if let (None, Some(identity)) = (&record.partial_identity, &kept.identity) {
                    store.record_partial_identity(record.id, identity).await?;
                }
                return Ok((kept, true));
            }
            Err(NotOurs::Missing) => {}
            Err(foreign) => {
                // Left where it is (it is not Docket's to remove) and reported as a partial no transfer owns.
                let shown = record.partial_path().unwrap_or_default();
                let what = match foreign {
                    NotOurs::NotAFile => "something other than a file (a symlink?)",
                    _ => "another file",
                };
                tracing::warn!(
                    id = record.id,
                    path = %shown.display(),
                    "the partial file was replaced by {what}; leaving it alone and starting a new partial"
                );
                store
                    .note_error(
                        record.id,
                        &format!(
                            "{} was replaced by {what}; it was left alone and the download started a new partial \
                             file (see `docket queue orphans`)",
                            shown.display()
                        ),
                    )
                    .await?;
            }
        }
        // A folder's plan named the file already: the server's name is not used.
        let reserved = match &record.plan {
            Some(plan) => {
                let name = sanitize_file_name(&plan.name);
                PartialFile::reserve_as(store, record.id, &record.dest_dir, &name, true).await?
            }
            None => PartialFile::reserve(store, record.id, &record.dest_dir, name).await?,
        };
        Ok((reserved, false))
    }

    /// Writes a whole small file into this partial (emptied first), synced to disk, and digests the bytes written.
    pub async fn write_whole(&self, bytes: Vec<u8>) -> Result<Digests, TransferError> {
        let file = self.open().await?;
        let written = blocking(&self.path, move || {
            file.set_len(0)?;
            write_all_at(&file, &bytes, 0)?;
            file.sync_data()?;
            let mut digest = FileDigest::default();
            digest.update(&bytes);
            Ok(digest.into_digests())
        })
        .await?;
        pause_point::reached("small-file-written").await;
        Ok(written)
    }

    /// The final name (with any ` (1)` suffix).
    pub fn name(&self) -> String {
        file_name_of(&self.final_path)
    }

    /// A writer from `offset`, on its own handle. With `written`, every range it hands to the OS is told there
    /// (for the checkpoints and the block follower).
    pub async fn writer(
        &self,
        offset: u64,
        written: Option<Arc<WrittenRanges>>,
    ) -> Result<RangeWriter, TransferError> {
        let file = self.open().await?;
        Ok(RangeWriter::new(file, self.path.clone(), offset, written))
    }

    /// A handle to write with: never through a symlink, and only on the very file Docket created.
    pub async fn open(&self) -> Result<std::fs::File, TransferError> {
        let path = self.path.clone();
        let expected = self.identity.clone();
        blocking(&self.path, move || {
            let file = open_for_writing(&path)?;
            let found = file_identity(&file.metadata()?);
            match (expected, found) {
                (Some(expected), Some(found)) if expected != found => Err(io::Error::other(
                    "the partial file was replaced by another file; Docket leaves it alone",
                )),
                _ => Ok(file),
            }
        })
        .await
    }

    /// fsyncs the partial (every handle's bytes the OS has accepted).
    pub async fn sync(&self) -> Result<(), TransferError> {
        let file = self.open().await?;
        blocking(&self.path, move || file.sync_data()).await
    }

    /// Empties the partial (starting over).
    pub async fn truncate(&self) -> Result<(), TransferError> {
        let file = self.open().await?;
        blocking(&self.path, move || {
            file.set_len(0)?;
            file.sync_all()
        })
        .await
    }

    /// Removes the partial; a symlink in its place is removed itself, never what it points to.
    pub async fn remove(&self) {
        remove_partial(&self.path).await;
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
        blocking(&self.path, move || -> io::Result<Digests> {
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
    }

    /// Renames the verified partial of transfer `id` into its name, or the next free one if a file appeared there
    /// meanwhile; the name is recorded before the rename, and an existing file is never replaced.
    pub async fn promote(
        self,
        store: &QueueStore,
        id: i64,
        plan: Option<&FilePlan>,
    ) -> Result<PathBuf, TransferError> {
        if let Some(plan) = plan {
            return self.promote_planned(plan).await;
        }
        let parent = self
            .final_path
            .parent()
            .unwrap_or(Path::new("."))
            .to_owned();
        let name = unnumbered(&self.name());
        let mut target = self.final_path.clone();
        loop {
            if exists_here(&target) {
                target = free_path(&parent, &name);
                store.name_file(id, &file_name_of(&target)).await?;
            }
            pause_point::reached("file-named").await;
            let (from, to) = (self.path.clone(), target.clone());
            let renamed = tokio::task::spawn_blocking(move || rename_without_replacing(&from, &to))
                .await
                .map_err(|err| TransferError::io(&target)(io::Error::other(err)))?;
            match renamed {
                Ok(()) => break,
                // Taken between the look and the rename: the next free name.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(TransferError::io(&target)(err)),
            }
        }
        pause_point::reached("renamed").await;
        Ok(target)
    }
}

/// Removes a partial file; a symlink in its place is removed itself, never what it points to.
pub async fn remove_partial(path: &Path) {
    if let Err(err) = tokio::fs::remove_file(path).await {
        if err.kind() != io::ErrorKind::NotFound {
            tracing::warn!(path = %path.display(), "could not remove the partial file: {err}");
        }
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs file work off the async threads; its failure names `path`.
pub(crate) async fn blocking<T: Send + 'static>(
    path: &Path,
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, TransferError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| TransferError::io(path)(io::Error::other(err)))?
        .map_err(TransferError::io(path))
}

#[cfg(test)]
impl PartialFile {
    /// An empty partial in `dir` that no transfer owns, for tests of what is done with its bytes.
    pub(crate) fn scratch(dir: &Path, name: &str) -> PartialFile {
        let final_path = dir.join(name);
        let path = dir.join(partial_name_for(name, 0));
        std::fs::write(&path, b"").expect("a scratch partial in a test folder");
        PartialFile {
            final_path,
            path,
            identity: None,
        }
    }
}

#[cfg(test)]
mod tests;
