//! Where a download lands: a partial file beside the destination, renamed into a name that is free.

use std::io;
use std::path::{Path, PathBuf};

/// The suffix of data still being written; such a file is never presented as complete.
pub const PARTIAL_SUFFIX: &str = ".docket-part";

/// The partial file an older Docket used for `final_path` (`name.docket-part`): such a name is still taken.
pub fn partial_path(final_path: &Path) -> PathBuf {
    let mut name = final_path.file_name().unwrap_or_default().to_os_string();
    name.push(PARTIAL_SUFFIX);
    final_path.with_file_name(name)
}

/// The name of a new partial file for `final_name`: `name.<token>.docket-part`, the token drawn at random so no
/// two transfers (of this data dir or another) ever write to one file.
pub fn partial_name_for(final_name: &str, token: u32) -> String {
    format!("{final_name}.{token:08x}{PARTIAL_SUFFIX}")
}

/// Whether something (a file, a folder, a symlink, even a dangling one) has this path.
pub fn exists_here(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// `dir/name`, or `dir/name (1).ext`, `(2)`, … so an existing file is never overwritten.
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let taken = |candidate: &Path| exists_here(candidate) || exists_here(&partial_path(candidate));
    let first = dir.join(name);
    if !taken(&first) {
        return first;
    }
    let (stem, extension) = split_extension(name);
    (1..)
        .map(|n| dir.join(format!("{stem} ({n}){extension}")))
        .find(|candidate| !taken(candidate))
        .unwrap_or(first)
}

/// Renames `from` to `to` unless something has the name `to` already (then `AlreadyExists`): at once where the
/// OS can (Linux `renameat2` with `RENAME_NOREPLACE`), else by a hard link and an unlink, else by a look and a
/// rename where the file system has neither.
pub fn rename_without_replacing(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        match rename_noreplace(from, to) {
            Err(err) if matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
            other => return other,
        }
    }
    match std::fs::hard_link(from, to) {
        Ok(()) => return std::fs::remove_file(from),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => return Err(err),
        // No hard links here (FAT, some network shares).
        Err(_) => {}
    }
    if exists_here(to) {
        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
    }
    std::fs::rename(from, to)
}

#[cfg(target_os = "linux")]
fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    renameat2(from, to, libc::RENAME_NOREPLACE)
}

#[cfg(target_os = "linux")]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let from = CString::new(from.as_os_str().as_bytes())?;
    let to = CString::new(to.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            flags,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Swaps what the names `a` and `b` stand for, at once (Linux `renameat2` with `RENAME_EXCHANGE`); `Unsupported`
/// where the OS or the file system cannot.
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        match renameat2(a, b, libc::RENAME_EXCHANGE) {
            Err(err) if matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
            other => return other,
        }
    }
    let _ = (a, b);
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The name `name` was numbered from: `a (2).pdf` → `a.pdf`, so a name taken again is numbered on from its base
/// (`a (3).pdf`), never `a (2) (1).pdf`.
pub fn unnumbered(name: &str) -> String {
    let (stem, extension) = split_extension(name);
    let base = stem
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
        .filter(|(base, number)| {
            !base.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
        })
        .map_or(stem, |(base, _)| base);
    format!("{base}{extension}")
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

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_takes_its_name_too() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/nonexistent/target", dir.path().join("a.pdf")).unwrap();
        assert_eq!(free_path(dir.path(), "a.pdf"), dir.path().join("a (1).pdf"));
    }

    #[test]
    fn a_rename_never_replaces_a_file_that_has_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("new.part"), dir.path().join("a.pdf"));
        std::fs::write(&from, b"downloaded").unwrap();
        std::fs::write(&to, b"the user's").unwrap();
        let err = rename_without_replacing(&from, &to).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&to).unwrap(), b"the user's");
        std::fs::remove_file(&to).unwrap();
        rename_without_replacing(&from, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"downloaded");
        assert!(!from.exists());
    }

    #[test]
    fn a_numbered_name_is_numbered_on_from_its_base() {
        assert_eq!(unnumbered("a (2).pdf"), "a.pdf");
        assert_eq!(unnumbered("README (12)"), "README");
        assert_eq!(unnumbered("a (draft).pdf"), "a (draft).pdf");
        assert_eq!(unnumbered(" (1).pdf"), " (1).pdf");
    }

    #[test]
    fn new_partial_names_carry_the_final_name_and_a_token() {
        assert_eq!(
            partial_name_for("Q1-Report.pdf", 0x1a2b),
            "Q1-Report.pdf.00001a2b.docket-part"
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
