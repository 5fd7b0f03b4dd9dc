//! Hashes a segmented download while it arrives: a follower reads back (from the page cache, not the streams'
//! buffers) every 1 MiB block the streams have written whole, in whatever order the streams complete them, so
//! that verification only reads the blocks written in the last moments.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use docket_core::block_hash::BlockHashes;
use tokio::sync::watch;

use crate::file_digest::read_at;
use crate::written::WrittenRanges;

/// Blocks one blocking read-back covers at most, so a stop is noticed between them.
const BATCH: usize = 16;

/// Follows the blocks of `path` (`len` bytes) written whole until `done` turns true; answers what it hashed, or
/// `None` for a file of one block, when reading back failed or when the file was started over (verification
/// then reads it all).
pub(crate) async fn follow(
    path: PathBuf,
    written: Arc<WrittenRanges>,
    len: u64,
    mut done: watch::Receiver<bool>,
) -> Option<BlockHashes> {
    let mut blocks = BlockHashes::new(len)?;
    let generation = written.generation();
    let file = Arc::new(File::open(&path).ok()?);
    loop {
        if *done.borrow() || written.generation() != generation {
            break;
        }
        let (ranges, _) = written.snapshot();
        let ready: Vec<usize> = whole_blocks(&blocks, &ranges)
            .filter(|&index| !blocks.is_hashed(index))
            .take(BATCH)
            .collect();
        if !ready.is_empty() {
            let file = Arc::clone(&file);
            let read = tokio::task::spawn_blocking(move || {
                let outcome = hash_blocks(&file, &mut blocks, &ready);
                (blocks, outcome)
            })
            .await;
            match read {
                Ok((hashed, Ok(()))) => blocks = hashed,
                Ok((_, Err(err))) => {
                    tracing::debug!(path = %path.display(), "reading back written blocks failed: {err}");
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
    (written.generation() == generation).then_some(blocks)
}

/// The blocks lying wholly inside the written `ranges`.
fn whole_blocks<'a>(
    blocks: &'a BlockHashes,
    ranges: &'a [Range<u64>],
) -> impl Iterator<Item = usize> + 'a {
    (0..blocks.block_count()).filter(move |&index| {
        let span = blocks.span(index);
        ranges
            .iter()
            .any(|range| range.start <= span.start && span.end <= range.end)
    })
}

/// Reads `indices` from `file` and hashes them; blocking.
pub(crate) fn hash_blocks(
    file: &File,
    blocks: &mut BlockHashes,
    indices: &[usize],
) -> io::Result<()> {
    let mut buffer = vec![0u8; BlockHashes::BLOCK as usize];
    for &index in indices {
        let span = blocks.span(index);
        let bytes = &mut buffer[..(span.end - span.start) as usize];
        read_exact_at(file, bytes, span.start)?;
        blocks.hash_block(index, bytes);
    }
    Ok(())
}

/// Hashes every block not hashed yet from the file at `path` and answers the file's size on disk, content hash
/// and CRC32; blocking.
pub(crate) fn finish_from_disk(
    path: &Path,
    mut blocks: BlockHashes,
) -> io::Result<(u64, String, u32)> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size != blocks.len() {
        // Not the file the blocks describe: its size alone fails verification.
        let mut whole = crate::file_digest::FileDigest::default();
        whole.advance(&file, None)?;
        let digests = whole.into_digests();
        return Ok((digests.size, digests.content_hash, digests.crc32));
    }
    let missing: Vec<usize> = blocks.missing().collect();
    hash_blocks(&file, &mut blocks, &missing)?;
    let (hash, crc) = blocks
        .finish()
        .ok_or_else(|| io::Error::other("a block of the file was not hashed"))?;
    Ok((size, hash, crc))
}

fn read_exact_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buffer.is_empty() {
        match read_at(file, buffer, offset)? {
            0 => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the file ends at {offset}"),
                ))
            }
            n => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partial::PartialFile;
    use bytes::Bytes;
    use docket_core::content_hash::content_hash;

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i.wrapping_mul(7) % 251) as u8).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn blocks_hashed_while_streams_write_out_of_order_give_the_hash_of_the_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::scratch(dir.path(), "a.bin");
        let data = sample(5 * 1024 * 1024 + 3);
        let written = Arc::new(WrittenRanges::default());
        let (done, finished) = watch::channel(false);
        let follower = tokio::spawn(follow(
            partial.path.clone(),
            Arc::clone(&written),
            data.len() as u64,
            finished,
        ));
        let third = data.len() / 3;
        for piece in [2 * third..data.len(), 0..third, third..2 * third] {
            let mut writer = partial
                .writer(piece.start as u64, Some(Arc::clone(&written)))
                .await
                .unwrap();
            writer
                .write(Bytes::copy_from_slice(&data[piece]))
                .await
                .unwrap();
            writer.flush().await.unwrap();
        }
        // The follower looks every 50 ms; a second is plenty for it to read every block.
        tokio::time::sleep(Duration::from_secs(1)).await;
        done.send_replace(true);
        let blocks = follower.await.unwrap().expect("the blocks were read back");
        assert_eq!(blocks.missing().count(), 0, "it hashed every block");
        let digests = partial.digests_with(Some(blocks)).await.unwrap();
        assert_eq!(digests.size, data.len() as u64);
        assert_eq!(digests.content_hash, content_hash(&data));
        assert_eq!(digests.crc32, crc32fast::hash(&data));
    }

    #[tokio::test]
    async fn verification_reads_the_blocks_not_hashed_yet_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::scratch(dir.path(), "a.bin");
        let mut data = sample(3 * 1024 * 1024);
        std::fs::write(&partial.path, &data).unwrap();
        let mut blocks = BlockHashes::new(data.len() as u64).unwrap();
        hash_blocks(&File::open(&partial.path).unwrap(), &mut blocks, &[0]).unwrap();
        // The disk changes after block 0 was hashed: the digest must say what the disk holds elsewhere.
        data[2 * 1024 * 1024..].fill(0);
        std::fs::write(&partial.path, &data).unwrap();
        let digests = partial.digests_with(Some(blocks)).await.unwrap();
        assert_eq!(digests.content_hash, content_hash(&data));
        assert_eq!(digests.crc32, crc32fast::hash(&data));
    }

    #[tokio::test]
    async fn a_file_of_another_size_than_its_blocks_reports_its_own_size() {
        let dir = tempfile::tempdir().unwrap();
        let partial = PartialFile::scratch(dir.path(), "a.bin");
        let data = sample(2 * 1024 * 1024 + 1);
        std::fs::write(&partial.path, &data).unwrap();
        let blocks = BlockHashes::new(3 * 1024 * 1024).unwrap();
        let digests = partial.digests_with(Some(blocks)).await.unwrap();
        assert_eq!(digests.size, data.len() as u64);
        assert_eq!(digests.content_hash, content_hash(&data));
    }
}
