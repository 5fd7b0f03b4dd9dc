//! The content hash Docket records for every downloaded file, written `blake3:<hex>` (`b3sum` prints the same
//! hex). BLAKE3 rather than SHA-256: it is several times faster per core, so hashing every byte of a download
//! never holds the download back. Records from before it say `sha256:<hex>` and are still checked with SHA-256.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

/// A running content hash; [`ContentHasher::default`] is the one new records use.
#[derive(Clone)]
pub enum ContentHasher {
    Blake3(Box<blake3::Hasher>),
    Sha256(Sha256),
}

impl Default for ContentHasher {
    fn default() -> Self {
        ContentHasher::Blake3(Box::default())
    }
}

impl ContentHasher {
    /// The hasher that produced `recorded` (`blake3:…` or `sha256:…`); `None` for a form Docket never wrote.
    pub fn like(recorded: &str) -> Option<ContentHasher> {
        match recorded.split_once(':')?.0 {
            "blake3" => Some(ContentHasher::default()),
            "sha256" => Some(ContentHasher::Sha256(Sha256::new())),
            _ => None,
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            ContentHasher::Blake3(hasher) => {
                hasher.update(bytes);
            }
            ContentHasher::Sha256(hasher) => hasher.update(bytes),
        }
    }

    /// The hash, with its algorithm's name in front.
    pub fn finish(self) -> String {
        match self {
            ContentHasher::Blake3(hasher) => format!("blake3:{}", hasher.finalize().to_hex()),
            ContentHasher::Sha256(hasher) => {
                let hex: String = hasher
                    .finalize()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                format!("sha256:{hex}")
            }
        }
    }
}

/// The content hash of `bytes`, as new records write it.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = ContentHasher::default();
    hasher.update(bytes);
    hasher.finish()
}

/// Whether the file at `path` still has the content hash `recorded`; `Ok(false)` also for a hash form Docket
/// never wrote, and for anything that is not a regular file (a symlink is never followed to what it names).
pub fn file_matches(path: &Path, recorded: &str) -> io::Result<bool> {
    let Some(mut hasher) = ContentHasher::like(recorded) else {
        return Ok(false);
    };
    let Some(mut file) = open_regular(path)? else {
        return Ok(false);
    };
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finish().eq_ignore_ascii_case(recorded))
}

/// `path` opened for reading when it is a regular file itself (not a symlink, not swapped for one between the look
/// and the open); `None` otherwise.
fn open_regular(path: &Path) -> io::Result<Option<File>> {
    let seen = std::fs::symlink_metadata(path)?;
    if !seen.is_file() {
        return Ok(None);
    }
    let file = File::open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let opened = file.metadata()?;
        if (opened.dev(), opened.ino()) != (seen.dev(), seen.ino()) {
            return Ok(None);
        }
    }
    Ok(Some(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_records_are_blake3_with_the_hex_b3sum_prints() {
        // The BLAKE3 of "abc" from the reference implementation's test vectors.
        assert_eq!(
            content_hash(b"abc"),
            "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
    }

    #[test]
    fn a_record_from_before_blake3_is_checked_with_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"abc").unwrap();
        let sha256 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert!(file_matches(&path, sha256).unwrap());
        assert!(file_matches(&path, &content_hash(b"abc")).unwrap());
        assert!(!file_matches(&path, &content_hash(b"abd")).unwrap());
        assert!(!file_matches(&path, "md5:900150983cd24fb0d6963f7d28e17f72").unwrap());
    }

    #[test]
    fn hashing_in_pieces_gives_the_hash_of_the_whole() {
        let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut hasher = ContentHasher::default();
        for piece in bytes.chunks(65_537) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finish(), content_hash(&bytes));
    }
}
