//! Documents generated on request beside the sample tree, for what the fixed samples cannot show: many small
//! documents (the benchmark of 1,000 documents of 10 KiB), each with bytes of its own.

use super::{Builder, Version};
use crate::content::Content;
use crate::library::sample::BINARY;
use crate::timestamp::Timestamp;

/// `count` documents of `size` bytes in `folder`, named `small-0001.bin`, `small-0002.bin`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedDocuments {
    /// A folder path, e.g. [`GeneratedDocuments::MANY_SMALL_FOLDER`]; created with its parents. A new top-level
    /// folder is a collection of its own on Index Health.
    pub folder: String,
    pub count: usize,
    pub size: u64,
}

impl GeneratedDocuments {
    pub const MANY_SMALL_FOLDER: &'static str = "/bench/many-small";

    /// `count` documents of `size` bytes in [`GeneratedDocuments::MANY_SMALL_FOLDER`].
    pub fn many_small(count: usize, size: u64) -> GeneratedDocuments {
        GeneratedDocuments {
            folder: Self::MANY_SMALL_FOLDER.to_owned(),
            count,
            size,
        }
    }

    /// The name of the `index`-th document (from 0).
    pub fn name(&self, index: usize) -> String {
        let width = self.count.to_string().len().max(4);
        format!("small-{:0width$}.bin", index + 1)
    }

    /// The full path of the `index`-th document (from 0).
    pub fn path(&self, index: usize) -> String {
        format!("{}/{}", self.folder.trim_end_matches('/'), self.name(index))
    }

    pub(super) fn add_to(&self, builder: &mut Builder) {
        // Fixed dates and seeds: the library is the same on every run, and no two documents share their bytes.
        let modified = Timestamp::utc(2025, 1, 6, 9, 0, 0);
        let folder_seed = self
            .folder
            .bytes()
            .fold(0x5EED_u64, |seed, b| seed.rotate_left(5) ^ u64::from(b));
        for index in 0..self.count {
            let seed = folder_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index as u64;
            builder.document(
                &self.path(index),
                BINARY,
                vec![Version {
                    number: 1,
                    modified,
                    content: Content::generated(self.size, seed),
                }],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Library;

    #[test]
    fn generated_documents_sit_in_their_folder_with_the_size_asked_for_and_bytes_of_their_own() {
        let many = GeneratedDocuments::many_small(3, 10 * 1024);
        let library = Library::sample_with(1024, std::slice::from_ref(&many));
        let folder = library.folder_by_path(&many.folder).unwrap();
        let documents: Vec<_> = library.documents_in(folder.id).collect();
        let names: Vec<&str> = documents.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["small-0001.bin", "small-0002.bin", "small-0003.bin"]
        );
        assert!(documents.iter().all(|d| d.size() == 10 * 1024));
        let mut digests: Vec<String> = documents
            .iter()
            .map(|d| d.latest().content.content_hash())
            .collect();
        digests.dedup();
        assert_eq!(digests.len(), 3, "each document has bytes of its own");
        let sample = Library::sample(1024);
        assert_eq!(
            library.documents().len(),
            sample.documents().len() + 3,
            "the sample tree is all there too"
        );
    }
}
