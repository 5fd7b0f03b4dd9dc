//! The content hash of a file of known length, taken block by block in any order: BLAKE3 is a tree hash, so each
//! aligned 1 MiB block can be hashed where a stream has written it (without waiting for the bytes before it)
//! and the blocks' chaining values merged at the end into the very hash [`crate::content_hash`] gives. The
//! blocks' CRC32s are combined the same way.

use std::ops::Range;

use blake3::hazmat::{
    left_subtree_len, merge_subtrees_non_root, merge_subtrees_root, ChainingValue, HasherExt, Mode,
};

/// A file's blocks and the digests of those hashed so far.
#[derive(Clone)]
pub struct BlockHashes {
    len: u64,
    blocks: Vec<Option<BlockDigest>>,
}

#[derive(Clone)]
struct BlockDigest {
    chaining_value: ChainingValue,
    crc: crc32fast::Hasher,
}

impl BlockHashes {
    /// The block size: a power of two of BLAKE3's 1 KiB chunks, so that every block is a subtree of its own.
    pub const BLOCK: u64 = 1 << 20;

    /// `None` for a file of one block or less: it has no tree to merge (hash it whole).
    pub fn new(len: u64) -> Option<BlockHashes> {
        let count = usize::try_from(len.div_ceil(Self::BLOCK)).ok()?;
        (count > 1).then(|| BlockHashes {
            len,
            blocks: vec![None; count],
        })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// The bytes of block `index`.
    pub fn span(&self, index: usize) -> Range<u64> {
        let start = index as u64 * Self::BLOCK;
        start.min(self.len)..(start + Self::BLOCK).min(self.len)
    }

    pub fn is_hashed(&self, index: usize) -> bool {
        self.blocks.get(index).is_some_and(Option::is_some)
    }

    /// The blocks not hashed yet.
    pub fn missing(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.blocks.len()).filter(|&index| !self.is_hashed(index))
    }

    /// Hashes block `index` from its bytes; bytes of another length than the block's are refused (`false`).
    pub fn hash_block(&mut self, index: usize, bytes: &[u8]) -> bool {
        let span = self.span(index);
        if index >= self.blocks.len() || bytes.len() as u64 != span.end - span.start {
            return false;
        }
        let chaining_value = blake3::Hasher::new()
            .set_input_offset(span.start)
            .update(bytes)
            .finalize_non_root();
        let mut crc = crc32fast::Hasher::new();
        crc.update(bytes);
        self.blocks[index] = Some(BlockDigest {
            chaining_value,
            crc,
        });
        true
    }

    /// The content hash (`blake3:<hex>`) and CRC32 of the whole file, once every block is hashed.
    pub fn finish(&self) -> Option<(String, u32)> {
        let blocks: Vec<&BlockDigest> = self
            .blocks
            .iter()
            .map(Option::as_ref)
            .collect::<Option<_>>()?;
        let mut crc = blocks.first()?.crc.clone();
        for block in &blocks[1..] {
            crc.combine(&block.crc);
        }
        // The root joins the two subtrees BLAKE3's tree puts under it; `len` spans more than one block.
        let left = left_subtree_len(self.len);
        let root = merge_subtrees_root(
            &self.subtree(&blocks, 0, left),
            &self.subtree(&blocks, left, self.len - left),
            Mode::Hash,
        );
        Some((format!("blake3:{}", root.to_hex()), crc.finalize()))
    }

    /// The chaining value of the subtree of `len` bytes from `start` (a block, or blocks merged as BLAKE3 does).
    fn subtree(&self, blocks: &[&BlockDigest], start: u64, len: u64) -> ChainingValue {
        if len <= Self::BLOCK {
            return blocks[(start / Self::BLOCK) as usize].chaining_value;
        }
        let left = left_subtree_len(len);
        merge_subtrees_non_root(
            &self.subtree(blocks, start, left),
            &self.subtree(blocks, start + left, len - left),
            Mode::Hash,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content_hash::content_hash;

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| ((i * 31) % 251) as u8).collect()
    }

    fn in_shuffled_order(bytes: &[u8]) -> (String, u32) {
        let mut blocks = BlockHashes::new(bytes.len() as u64).unwrap();
        let count = blocks.block_count();
        // Every other block from the end, then the rest: no block follows the one before it.
        let order: Vec<usize> = (0..count)
            .rev()
            .step_by(2)
            .chain((0..count).rev().skip(1).step_by(2))
            .collect();
        for index in order {
            assert!(
                blocks.finish().is_none(),
                "not finished before the last block"
            );
            let span = blocks.span(index);
            assert!(blocks.hash_block(index, &bytes[span.start as usize..span.end as usize]));
        }
        blocks.finish().unwrap()
    }

    #[test]
    fn blocks_hashed_in_any_order_give_the_hash_and_crc_of_the_whole_file() {
        let block = BlockHashes::BLOCK as usize;
        for len in [
            block + 1,
            2 * block,
            3 * block - 7,
            5 * block,
            8 * block + 1024,
            13 * block + 5,
        ] {
            let bytes = sample(len);
            let (hash, crc) = in_shuffled_order(&bytes);
            assert_eq!(hash, content_hash(&bytes), "{len} bytes");
            assert_eq!(crc, crc32fast::hash(&bytes), "{len} bytes");
        }
    }

    #[test]
    fn a_file_of_one_block_has_no_tree_and_a_block_of_the_wrong_length_is_refused() {
        assert!(BlockHashes::new(BlockHashes::BLOCK).is_none());
        let mut blocks = BlockHashes::new(BlockHashes::BLOCK + 10).unwrap();
        assert_eq!(blocks.span(1), BlockHashes::BLOCK..BlockHashes::BLOCK + 10);
        assert!(!blocks.hash_block(1, &[0; 9]));
        assert!(!blocks.hash_block(2, &[0; 10]));
        assert_eq!(blocks.missing().collect::<Vec<_>>(), [0, 1]);
    }
}
