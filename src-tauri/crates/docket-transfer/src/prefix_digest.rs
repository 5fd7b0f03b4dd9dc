//! The content hash and CRC32 of a partial file computed while it downloads: a cursor reads back, from the OS (the page
//! cache, not the streams' buffers), the bytes written from offset 0 without a gap, so that verification only
//! reads what is left after the last byte arrives.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use docket_core::content_hash::ContentHasher;
use tokio::sync::watch;

use crate::partial::Digests;
use crate::written::WrittenRanges;

/// The digests of a file's first `hashed` bytes, as read from disk.
#[derive(Clone, Default)]
pub struct PrefixDigest {
    content: ContentHasher,
    crc: crc32fast::Hasher,
    hashed: u64,
}

/// How much one blocking read-back covers, so a stop is noticed between pieces.
const STEP: u64 = 16 * 1024 * 1024;

impl PrefixDigest {
    /// Bytes digested so far, from offset 0.
    pub fn hashed(&self) -> u64 {
        self.hashed
    }

    /// Reads `file` from where the digest stands up to `end` (or to its end with `None`); blocking.
    pub fn advance(&mut self, file: &File, end: Option<u64>) -> io::Result<()> {
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let want = match end {
                Some(end) if self.hashed >= end => return Ok(()),
                Some(end) => (end - self.hashed).min(buffer.len() as u64) as usize,
                None => buffer.len(),
            };
            let n = read_at(file, &mut buffer[..want], self.hashed)?;
            if n == 0 {
                return match end {
                    Some(end) => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the file ends at {} before {end}", self.hashed),
                    )),
                    None => Ok(()),
                };
            }
            self.update(&buffer[..n]);
        }
    }

    /// Digests the next bytes of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.content.update(bytes);
        self.crc.update(bytes);
        self.hashed += bytes.len() as u64;
    }

    /// Size, content hash and CRC32 of everything digested.
    pub fn into_digests(self) -> Digests {
        Digests {
            size: self.hashed,
            content_hash: self.content.finish(),
            crc32: self.crc.finalize(),
        }
    }
}

/// Follows the written prefix of `path` until `done` turns true; answers the digest of what it read, or `None`
/// when reading back failed or the file was started over (verification then reads it all).
pub(crate) async fn follow(
    path: PathBuf,
    written: Arc<WrittenRanges>,
    mut done: watch::Receiver<bool>,
) -> Option<PrefixDigest> {
    let generation = written.generation();
    let file = Arc::new(File::open(&path).ok()?);
    let mut digest = PrefixDigest::default();
    loop {
        if *done.borrow() || written.generation() != generation {
            break;
        }
        let target = written.prefix_end().min(digest.hashed + STEP);
        if target > digest.hashed {
            let file = Arc::clone(&file);
            let read = tokio::task::spawn_blocking(move || {
                let outcome = digest.advance(&file, Some(target));
                (digest, outcome)
            })
            .await;
            match read {
                Ok((advanced, Ok(()))) => digest = advanced,
                Ok((_, Err(err))) => {
                    tracing::debug!(path = %path.display(), "reading back the written prefix failed: {err}");
                    return None;
                }
                Err(_) => return None,
            }
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            _ = done.wait_for(|d| *d) => {}
        }
    }
    (written.generation() == generation).then_some(digest)
}

#[cfg(unix)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(buffer, offset) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    loop {
        match file.seek_read(buffer, offset) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(unix)]
pub(crate) fn write_all_at(file: &File, buffer: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(buffer, offset)
}

#[cfg(windows)]
pub(crate) fn write_all_at(file: &File, mut buffer: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buffer.is_empty() {
        match file.seek_write(buffer, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buffer = &buffer[n..];
                offset += n as u64;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partial::PartialFile;
    use docket_core::content_hash::content_hash;

    fn sample(len: u32) -> Vec<u8> {
        (0..len).map(|i| (i.wrapping_mul(7) % 251) as u8).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_digest_taken_while_writing_out_of_order_equals_the_digest_of_the_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::claim(dir.path(), "a.bin").await.unwrap();
        let written = Arc::new(WrittenRanges::default());
        let (done, finished) = watch::channel(false);
        let follower = tokio::spawn(follow(partial.path.clone(), Arc::clone(&written), finished));
        let data = sample(3_000_000);
        for piece in [2_000_000..3_000_000, 0..1_000_000, 1_000_000..2_000_000] {
            let mut writer = partial
                .writer(piece.start as u64, Some(Arc::clone(&written)))
                .await
                .unwrap();
            writer.write(&data[piece]).await.unwrap();
            writer.flush().await.unwrap();
        }
        // The follower reads back every 50 ms; a second is plenty for it to reach the end.
        tokio::time::sleep(Duration::from_secs(1)).await;
        done.send_replace(true);
        let prefix = follower.await.unwrap().expect("the prefix was read back");
        assert_eq!(prefix.hashed(), 3_000_000, "it followed the whole prefix");
        let digests = partial.digests_from(prefix).await.unwrap();
        assert_eq!(digests.size, 3_000_000);
        assert_eq!(digests.content_hash, content_hash(&data));
        assert_eq!(digests.crc32, crc32fast::hash(&data));
    }

    #[tokio::test]
    async fn verification_reads_what_follows_the_prefix_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::claim(dir.path(), "a.bin").await.unwrap();
        let mut data = sample(100_000);
        std::fs::write(&partial.path, &data).unwrap();
        let mut prefix = PrefixDigest::default();
        prefix
            .advance(&File::open(&partial.path).unwrap(), Some(40_000))
            .unwrap();
        // The disk changes after the prefix: the digest must say what the disk holds.
        data[70_000..].fill(0);
        std::fs::write(&partial.path, &data).unwrap();
        let digests = partial.digests_from(prefix).await.unwrap();
        assert_eq!(digests.content_hash, content_hash(&data));
        assert_eq!(digests.crc32, crc32fast::hash(&data));
    }

    #[test]
    fn a_prefix_beyond_the_end_of_the_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut prefix = PrefixDigest::default();
        let err = prefix
            .advance(&File::open(&path).unwrap(), Some(20))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
