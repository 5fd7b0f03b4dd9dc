//! The partial file beside the destination: its name recorded in the queue before it is created (so a kill at any
//! instant leaves no file its transfer does not know), written at offsets by several streams, fsynced before its
//! ranges are recorded as durable, verified from disk, then renamed into a free name. It is opened only as the
//! regular file Docket created, never through a symlink.

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use docket_core::block_hash::BlockHashes;
use docket_store::queue::TransferRecord;
use docket_store::QueueStore;

use crate::block_follower;
use crate::destination::{
    exists_here, free_path, partial_name_for, rename_without_replacing, unnumbered,
};
use crate::error::TransferError;
use crate::file_digest::{write_all_at, write_all_vectored_at, FileDigest};
use crate::pause_point;
use crate::written::WrittenRanges;

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
        let owned_dir = dir.to_owned();
        blocking(dir, move || std::fs::create_dir_all(&owned_dir)).await?;
        for _ in 0..RESERVE_ATTEMPTS {
            let final_path = free_path(dir, name);
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
        let reserved = PartialFile::reserve(store, record.id, &record.dest_dir, name).await?;
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
    pub async fn promote(self, store: &QueueStore, id: i64) -> Result<PathBuf, TransferError> {
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
mod tests {
    use super::*;
    use docket_store::queue::NewTransfer;

    /// A queue in `data` with one transfer into `dest`.
    async fn queue_with_transfer(data: &Path, dest: &Path) -> (QueueStore, i64) {
        let store = QueueStore::new(docket_store::database::open(data).await.unwrap());
        let id = store
            .enqueue(&NewTransfer {
                remote: "r".into(),
                document: "d".into(),
                version: None,
                dest_dir: dest.to_owned(),
                priority: 0,
            })
            .await
            .unwrap();
        (store, id)
    }

    #[tokio::test]
    async fn streams_write_at_their_own_offsets_and_the_digests_read_the_disk() {
        let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
        let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
            .await
            .unwrap();
        let mut tail = partial.writer(5, None).await.unwrap();
        tail.write(Bytes::from_static(b"world")).await.unwrap();
        assert_eq!(tail.checkpoint().await.unwrap(), 5..10);
        let mut head = partial.writer(0, None).await.unwrap();
        head.write(Bytes::from_static(b"hello")).await.unwrap();
        assert_eq!(head.checkpoint().await.unwrap(), 0..5);
        let digests = partial.digests().await.unwrap();
        assert_eq!(digests.size, 10);
        assert_eq!(digests.crc32, crc32fast::hash(b"helloworld"));
        let path = partial.promote(&store, id).await.unwrap();
        assert_eq!(path, dest.path().join("a.bin"));
        assert_eq!(std::fs::read(path).unwrap(), b"helloworld");
    }

    #[tokio::test]
    async fn the_partial_is_recorded_before_it_exists_and_found_again_from_the_record() {
        let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
        let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
            .await
            .unwrap();
        let record = store.get(id).await.unwrap();
        assert_eq!(record.file_name.as_deref(), Some("a.bin"));
        assert_eq!(
            record.partial_path().as_deref(),
            Some(partial.path.as_path())
        );
        let found = PartialFile::recorded(&record).expect("the recorded partial is there");
        assert_eq!(found.path, partial.path);
        assert!(found.path.to_string_lossy().ends_with(".docket-part"));
    }

    #[tokio::test]
    async fn two_downloads_of_one_name_never_share_a_partial_and_a_users_file_is_never_replaced() {
        let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (store, first_id) = queue_with_transfer(data.path(), dest.path()).await;
        let (_, second_id) = queue_with_transfer(data.path(), dest.path()).await;
        std::fs::write(dest.path().join("a.bin"), b"mine").unwrap();
        let first = PartialFile::reserve(&store, first_id, dest.path(), "a.bin")
            .await
            .unwrap();
        let second = PartialFile::reserve(&store, second_id, dest.path(), "a.bin")
            .await
            .unwrap();
        assert_ne!(first.path, second.path);
        assert_eq!(first.name(), "a (1).bin");
        let first_saved = first.promote(&store, first_id).await.unwrap();
        let second_saved = second.promote(&store, second_id).await.unwrap();
        assert_eq!(first_saved, dest.path().join("a (1).bin"));
        assert_eq!(second_saved, dest.path().join("a (2).bin"));
        assert_eq!(
            store.get(second_id).await.unwrap().file_name.as_deref(),
            Some("a (2).bin"),
            "the name it moved to was recorded"
        );
        assert_eq!(std::fs::read(dest.path().join("a.bin")).unwrap(), b"mine");
    }

    #[tokio::test]
    async fn another_file_put_in_place_of_the_partial_is_left_alone_and_a_fresh_partial_is_started()
    {
        let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
        let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
            .await
            .unwrap();
        // Someone else's file takes the partial's name (renamed over it: same name, another file).
        let foreign = dest.path().join("theirs.tmp");
        std::fs::write(&foreign, b"not Docket's").unwrap();
        std::fs::rename(&foreign, &partial.path).unwrap();
        let record = store.get(id).await.unwrap();
        assert_eq!(
            PartialFile::check_recorded(&record).err(),
            Some(NotOurs::AnotherFile)
        );
        assert!(
            partial.writer(0, None).await.is_err(),
            "a handle on another file is refused"
        );
        let (fresh, kept) = PartialFile::recorded_or_reserved(&store, &record, "a.bin")
            .await
            .unwrap();
        assert!(!kept);
        assert_ne!(fresh.path, partial.path);
        assert_eq!(
            std::fs::read(&partial.path).unwrap(),
            b"not Docket's",
            "left alone"
        );
        let record = store.get(id).await.unwrap();
        assert!(
            record
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("was replaced by another file")),
            "{:?}",
            record.last_error
        );
        assert_eq!(record.partial_path().as_deref(), Some(fresh.path.as_path()));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_symlink_put_in_place_of_the_partial_is_never_written_through() {
        let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
        let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
            .await
            .unwrap();
        let victim = dest.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        std::fs::remove_file(&partial.path).unwrap();
        std::os::unix::fs::symlink(&victim, &partial.path).unwrap();
        assert!(
            PartialFile::recorded(&store.get(id).await.unwrap()).is_none(),
            "a symlink is not the transfer's partial"
        );
        assert!(partial.writer(0, None).await.is_err());
        assert!(partial.truncate().await.is_err());
        partial.remove().await;
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    }
}
