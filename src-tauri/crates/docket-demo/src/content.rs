//! The bytes of one document version: either stored (small sample files) or generated from the offset (the large
//! file), so any byte range can be streamed without ever holding the whole file in memory.

use std::fmt;
use std::io;
use std::ops::Range;
use std::pin::Pin;
use std::sync::OnceLock;

use bytes::Bytes;
use docket_core::content_hash::ContentHasher;
use futures_util::Stream;

/// A body stream of one byte range, in chunks of at most [`STREAM_CHUNK`] bytes.
pub type ContentStream = Pin<Box<dyn Stream<Item = Result<Bytes, io::Error>> + Send>>;

/// Chunk size of [`Content::stream`]: small enough that fault injection and throttling act mid-file.
pub const STREAM_CHUNK: usize = 64 * 1024;

/// The digests are computed on first use and kept: hashing the large file takes seconds in a debug build.
/// Cloning shares the bytes (and keeps digests already computed), so a changed copy of the library is cheap.
#[derive(Clone)]
pub struct Content {
    source: Source,
    content_hash: OnceLock<String>,
    crc32: OnceLock<u32>,
}

#[derive(Clone)]
enum Source {
    Stored(Bytes),
    Generated { len: u64, seed: u64 },
}

impl Content {
    pub fn stored(bytes: impl Into<Bytes>) -> Content {
        Content::new(Source::Stored(bytes.into()))
    }

    /// `len` bytes computed from their offset and `seed`; different seeds give different files.
    pub fn generated(len: u64, seed: u64) -> Content {
        Content::new(Source::Generated { len, seed })
    }

    fn new(source: Source) -> Content {
        Content {
            source,
            content_hash: OnceLock::new(),
            crc32: OnceLock::new(),
        }
    }

    pub fn len(&self) -> u64 {
        match &self.source {
            Source::Stored(bytes) => bytes.len() as u64,
            Source::Generated { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for content computed on the fly (the large file): read it by range, never whole.
    pub fn is_generated(&self) -> bool {
        matches!(self.source, Source::Generated { .. })
    }

    /// Streams `range` (clamped to the content's length), producing each chunk only when it is polled.
    pub fn stream(&self, range: Range<u64>) -> ContentStream {
        let source = self.source.clone();
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        Box::pin(futures_util::stream::unfold(start, move |pos| {
            let source = source.clone();
            async move {
                if pos >= end {
                    return None;
                }
                let next = end.min(pos + STREAM_CHUNK as u64);
                Some((Ok(source.read(pos..next)), next))
            }
        }))
    }

    /// The bytes of `range`, clamped to the content's length, in one buffer: for bounded ranges such as one
    /// infoRouter chunk.
    pub fn read(&self, range: Range<u64>) -> Bytes {
        let end = range.end.min(self.len());
        self.source.read(range.start.min(end)..end)
    }

    /// The content hash Docket records for these bytes (`blake3:<hex>`, [`docket_core::content_hash`]).
    pub fn content_hash(&self) -> String {
        self.content_hash
            .get_or_init(|| {
                let mut hasher = ContentHasher::default();
                self.for_each_block(|block| hasher.update(block));
                hasher.finish()
            })
            .clone()
    }

    pub fn crc32(&self) -> u32 {
        *self.crc32.get_or_init(|| {
            let mut hasher = crc32fast::Hasher::new();
            self.for_each_block(|block| hasher.update(block));
            hasher.finalize()
        })
    }

    fn for_each_block(&self, mut visit: impl FnMut(&[u8])) {
        const BLOCK: u64 = 1024 * 1024;
        let mut pos = 0;
        while pos < self.len() {
            let next = self.len().min(pos + BLOCK);
            visit(&self.source.read(pos..next));
            pos = next;
        }
    }
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_generated() {
            "generated"
        } else {
            "stored"
        };
        write!(f, "Content({kind}, {} bytes)", self.len())
    }
}

impl Source {
    /// `range` must already lie within the content.
    fn read(&self, range: Range<u64>) -> Bytes {
        match self {
            Source::Stored(bytes) => bytes.slice(range.start as usize..range.end as usize),
            Source::Generated { seed, .. } => {
                let mut out = vec![0; (range.end - range.start) as usize];
                fill_pattern(*seed, range.start, &mut out);
                Bytes::from(out)
            }
        }
    }
}

/// Byte `o` is byte `o % 8` of a mixed 64-bit word indexed by `o / 8`: every offset differs, so a client that
/// writes a range at the wrong place produces a wrong checksum.
fn fill_pattern(seed: u64, offset: u64, out: &mut [u8]) {
    let mut pos = 0;
    let mut at = offset;
    while pos < out.len() {
        let word = splitmix64(seed.wrapping_add(at / 8)).to_le_bytes();
        let skip = (at % 8) as usize;
        let n = (8 - skip).min(out.len() - pos);
        out[pos..pos + n].copy_from_slice(&word[skip..skip + n]);
        pos += n;
        at += n as u64;
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    async fn collect(stream: ContentStream) -> (Vec<u8>, usize) {
        let chunks: Vec<Bytes> = stream.map(|c| c.unwrap()).collect().await;
        let largest = chunks.iter().map(Bytes::len).max().unwrap_or(0);
        (chunks.concat(), largest)
    }

    #[tokio::test]
    async fn a_stored_range_streams_exactly_those_bytes() {
        let content = Content::stored(&b"0123456789"[..]);
        assert_eq!(collect(content.stream(2..5)).await.0, b"234");
    }

    #[tokio::test]
    async fn a_range_past_the_end_is_clamped_to_the_content() {
        let content = Content::stored(&b"0123456789"[..]);
        assert_eq!(collect(content.stream(8..100)).await.0, b"89");
        assert!(collect(content.stream(50..60)).await.0.is_empty());
    }

    #[tokio::test]
    async fn generated_content_streams_any_range_in_bounded_chunks() {
        let content = Content::generated(1_000_000, 7);
        let (whole, largest) = collect(content.stream(0..1_000_000)).await;
        assert_eq!(whole.len(), 1_000_000);
        assert!(largest <= STREAM_CHUNK);
        let (middle, _) = collect(content.stream(123_457..654_321)).await;
        assert_eq!(middle, whole[123_457..654_321]);
    }

    #[test]
    fn generated_content_reads_the_same_bytes_at_any_alignment() {
        let content = Content::generated(100, 1);
        let whole = content.read(0..100);
        for start in 0..9 {
            assert_eq!(
                content.read(start..start + 13),
                whole[start as usize..][..13]
            );
        }
    }

    #[test]
    fn generated_content_depends_on_the_seed_and_not_only_on_the_length() {
        let a = Content::generated(4096, 1);
        let b = Content::generated(4096, 2);
        assert_ne!(a.read(0..4096), b.read(0..4096));
        assert_ne!(a.read(0..8), a.read(8..16));
    }

    #[test]
    fn digests_match_those_of_the_full_bytes() {
        let content = Content::generated(3 * 1024 * 1024 + 5, 9);
        let bytes = content.read(0..content.len());
        assert_eq!(content.crc32(), crc32fast::hash(&bytes));
        assert_eq!(
            content.content_hash(),
            docket_core::content_hash::content_hash(&bytes)
        );
    }
}
