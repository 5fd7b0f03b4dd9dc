//! Where a download lands: a partial file beside the destination, renamed into a name that is free.

use std::path::{Path, PathBuf};

/// The suffix of data still being written; such a file is never presented as complete.
pub const PARTIAL_SUFFIX: &str = ".docket-part";

/// The partial file for `final_path`.
pub fn partial_path(final_path: &Path) -> PathBuf {
    let mut name = final_path.file_name().unwrap_or_default().to_os_string();
    name.push(PARTIAL_SUFFIX);
    final_path.with_file_name(name)
}

/// `dir/name`, or `dir/name (1).ext`, `(2)`, … so an existing file is never overwritten.
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() && !partial_path(&first).exists() {
        return first;
    }
    let (stem, extension) = split_extension(name);
    (1..)
        .map(|n| dir.join(format!("{stem} ({n}){extension}")))
        .find(|candidate| !candidate.exists() && !partial_path(candidate).exists())
        .unwrap_or(first)
}

/// `report.final.pdf` → (`report.final`, `.pdf`); a name without a dot keeps no extension.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_name_is_used_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(free_path(dir.path(), "a.pdf"), dir.path().join("a.pdf"));
    }

    #[test]
    fn an_existing_file_gets_a_numbered_sibling_instead_of_being_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"old").unwrap();
        std::fs::write(dir.path().join("a (1).pdf"), b"older").unwrap();
        assert_eq!(free_path(dir.path(), "a.pdf"), dir.path().join("a (2).pdf"));
    }

    #[test]
    fn a_name_being_downloaded_counts_as_taken() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt.docket-part"), b"half").unwrap();
        assert_eq!(
            free_path(dir.path(), "notes.txt"),
            dir.path().join("notes (1).txt")
        );
    }

    #[test]
    fn names_without_extension_are_numbered_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README"), b"x").unwrap();
        assert_eq!(
            free_path(dir.path(), "README"),
            dir.path().join("README (1)")
        );
    }
}
