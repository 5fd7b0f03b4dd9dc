//! The library while the server runs: tests add documents, add versions and remove documents (here, or through
//! the control endpoint), and every API answers from the changed library on its next request.
//!
//! A change never edits a library in place. It makes a changed copy one generation on (an edition) and keeps
//! every earlier edition for as long as the state lives, so a handler holding a `&Library` reads one consistent
//! library for its whole request even while a change lands, and `state.library` keeps working as a plain
//! `&Library` (it derefs to the newest edition). Tests make a handful of changes and copies share their bytes,
//! so keeping the editions costs little.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use super::{join, normalize, sample, Library, Version};
use crate::content::Content;
use crate::timestamp::Timestamp;

/// Why the library refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryChangeError {
    #[error("the library has no document {0}")]
    UnknownDocument(u32),
    #[error("`{0}` is taken: the library already holds a document or folder at that path")]
    PathTaken(String),
    #[error("`{0}` is not a document name: give a non-empty name without `/` or `\\`, other than `.` and `..`")]
    InvalidName(String),
    #[error("`{0}` is not a folder path: no segment may be `.` or `..` or hold a `\\`")]
    InvalidFolder(String),
}

/// The library as it stands now, and every edition before it.
pub struct LiveLibrary {
    first: Edition,
    /// Held while a change is made, so that two changes never start from the same edition.
    changing: Mutex<()>,
}

struct Edition {
    library: Library,
    /// Set once, by the change that made the next edition.
    next: OnceLock<Box<Edition>>,
}

impl Edition {
    fn new(library: Library) -> Edition {
        Edition {
            library,
            next: OnceLock::new(),
        }
    }
}

impl LiveLibrary {
    pub fn new(library: Library) -> LiveLibrary {
        LiveLibrary {
            first: Edition::new(library),
            changing: Mutex::new(()),
        }
    }

    /// The newest edition. Take it once per request: it stays the same while later changes land.
    pub fn current(&self) -> &Library {
        &self.newest().library
    }

    /// Adds `name` to the folder at `folder` (created with its missing parents) as version 1, modified now, and
    /// returns its id, one no document had before. Its type follows the name's extension.
    pub fn add_document(
        &self,
        folder: &str,
        name: &str,
        content: Content,
    ) -> Result<u32, LibraryChangeError> {
        check_name(name)?;
        check_folder(folder)?;
        let folder = normalize(folder);
        self.change(|library| {
            let path = join(&folder, name);
            // A document where one of the folders should be would hide the new one from lookups by path.
            let blocked = ancestors(&folder).find(|p| library.document_by_path(p).is_some());
            let taken = library.document_by_path(&path).is_some()
                || library.folder_by_path(&path).is_some();
            if let Some(taken) = blocked.or(taken.then_some(path)) {
                return Err(LibraryChangeError::PathTaken(taken));
            }
            let version = Version {
                number: 1,
                modified: Timestamp::now(),
                content,
            };
            Ok(library
                .insert_document(&folder, name, mime_of(name), vec![version])
                .id)
        })
    }

    /// Adds a version to document `id` and returns its number: one more than the last, modified later than it,
    /// and current from now on.
    pub fn add_version(&self, id: u32, content: Content) -> Result<u32, LibraryChangeError> {
        self.change(|library| {
            let document = library
                .documents
                .iter_mut()
                .find(|d| d.id == id)
                .ok_or(LibraryChangeError::UnknownDocument(id))?;
            let latest = document.latest();
            // Clients compare times in whole seconds: a version made within the second must still be newer.
            let modified = Timestamp::now().max(latest.modified.plus(Duration::from_secs(1)));
            let number = latest.number + 1;
            document.versions.push(Version {
                number,
                modified,
                content,
            });
            Ok(number)
        })
    }

    /// Removes document `id` with every version. Its folder stays; its id is never handed out again.
    pub fn remove_document(&self, id: u32) -> Result<(), LibraryChangeError> {
        self.change(|library| {
            let at = library
                .documents
                .iter()
                .position(|d| d.id == id)
                .ok_or(LibraryChangeError::UnknownDocument(id))?;
            library.documents.remove(at);
            Ok(())
        })
    }

    fn newest(&self) -> &Edition {
        let mut edition = &self.first;
        while let Some(next) = edition.next.get() {
            edition = next;
        }
        edition
    }

    /// Publishes a changed copy of the newest edition, unless `edit` refuses the change.
    fn change<T>(
        &self,
        edit: impl FnOnce(&mut Library) -> Result<T, LibraryChangeError>,
    ) -> Result<T, LibraryChangeError> {
        // Editions are published whole, so a change that panicked left nothing half-made behind.
        let _changing = self.changing.lock().unwrap_or_else(PoisonError::into_inner);
        let newest = self.newest();
        let mut library = newest.library.clone();
        let answer = edit(&mut library)?;
        library.generation += 1;
        // Only changes set `next`, under the lock, so the newest edition has none yet.
        let _ = newest.next.set(Box::new(Edition::new(library)));
        Ok(answer)
    }
}

impl Deref for LiveLibrary {
    type Target = Library;

    fn deref(&self) -> &Library {
        self.current()
    }
}

impl Drop for LiveLibrary {
    /// Unlinks the editions one at a time: dropping a long chain recursively could overflow the stack.
    fn drop(&mut self) {
        let mut next = self.first.next.take();
        while let Some(mut edition) = next {
            next = edition.next.take();
        }
    }
}

impl fmt::Debug for LiveLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current();
        f.debug_struct("LiveLibrary")
            .field("generation", &current.generation())
            .field("folders", &current.folders().len())
            .field("documents", &current.documents().len())
            .finish()
    }
}

/// A view a vendor computes from the whole library (its catalog), built again when asked for with an edition
/// other than the one it was built from.
pub(crate) struct Derived<T> {
    built: Mutex<Option<(u64, Arc<T>)>>,
}

impl<T> Derived<T> {
    pub(crate) fn get(&self, library: &Library, build: impl FnOnce(&Library) -> T) -> Arc<T> {
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((generation, view)) = built.as_ref() {
            if *generation == library.generation() {
                return Arc::clone(view);
            }
        }
        let view = Arc::new(build(library));
        *built = Some((library.generation(), Arc::clone(&view)));
        view
    }
}

impl<T> Default for Derived<T> {
    fn default() -> Derived<T> {
        Derived {
            built: Mutex::new(None),
        }
    }
}

impl<T> fmt::Debug for Derived<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Derived")
            .field(
                "generation",
                &built.as_ref().map(|(generation, _)| *generation),
            )
            .finish()
    }
}

fn check_name(name: &str) -> Result<(), LibraryChangeError> {
    let bad = name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']);
    if bad {
        return Err(LibraryChangeError::InvalidName(name.to_owned()));
    }
    Ok(())
}

fn check_folder(folder: &str) -> Result<(), LibraryChangeError> {
    let bad = folder
        .split('/')
        .any(|s| s == "." || s == ".." || s.contains('\\'));
    if bad {
        return Err(LibraryChangeError::InvalidFolder(folder.to_owned()));
    }
    Ok(())
}

/// `/a`, `/a/b`, `/a/b/c` for `/a/b/c` (normalized); nothing for the root.
fn ancestors(folder: &str) -> impl Iterator<Item = String> + '_ {
    folder
        .match_indices('/')
        .skip(1)
        .map(|(at, _)| folder[..at].to_owned())
        .chain((folder != "/").then(|| folder.to_owned()))
}

/// The type the sample library gives files with this name's extension.
fn mime_of(name: &str) -> &'static str {
    let extension = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    };
    match extension.as_str() {
        "pdf" => sample::PDF,
        "docx" => sample::DOCX,
        "csv" => sample::CSV,
        "xml" => sample::XML,
        "txt" => sample::TXT,
        "png" => sample::PNG,
        "jpg" | "jpeg" => sample::JPEG,
        _ => sample::BINARY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::sample::{CONTRACT_DOCX, README_TXT, REPORT_PDF};

    fn live() -> LiveLibrary {
        LiveLibrary::new(Library::sample(1024))
    }

    fn text(content: &Content) -> Vec<u8> {
        content.read(0..content.len()).to_vec()
    }

    #[test]
    fn an_added_document_is_the_newest_editions_and_gets_a_fresh_id() {
        let library = live();
        let before = library.current();
        let highest = before.documents().iter().map(|d| d.id).max();
        let id = library
            .add_document(
                "/Finance/Reports/2024",
                "Q2-Report.pdf",
                Content::stored("q2"),
            )
            .unwrap();
        assert!(Some(id) > highest);
        let added = library.document(id).unwrap();
        assert_eq!(added.path(), "/Finance/Reports/2024/Q2-Report.pdf");
        assert_eq!((added.mime, added.versions.len()), (sample::PDF, 1));
        assert_eq!(text(&added.latest().content), b"q2");
        assert_eq!(library.generation(), 1);
        assert!(
            before.document(id).is_none(),
            "an edition taken before the change stays as it was"
        );
    }

    #[test]
    fn missing_folders_are_created_with_fresh_ids_and_existing_ids_stay() {
        let library = live();
        let finance = library.folder_by_path("/Finance").unwrap().id;
        let report = library.document_by_path(REPORT_PDF).unwrap().id;
        let highest = library.folders().iter().map(|f| f.id).max();
        library
            .add_document("/Finance/Budgets/2025", "plan.csv", Content::stored("a,b"))
            .unwrap();
        let budgets = library.folder_by_path("/Finance/Budgets").unwrap();
        let year = library.folder_by_path("/Finance/Budgets/2025").unwrap();
        assert_eq!(budgets.parent, Some(finance));
        assert_eq!(year.parent, Some(budgets.id));
        assert!(Some(budgets.id) > highest && year.id > budgets.id);
        assert_eq!(library.folder_by_path("/Finance").unwrap().id, finance);
        assert_eq!(library.document_by_path(REPORT_PDF).unwrap().id, report);
    }

    #[test]
    fn a_new_version_is_current_numbered_one_more_and_newer() {
        let library = live();
        let contract = library.document_by_path(CONTRACT_DOCX).unwrap();
        let (id, old) = (contract.id, contract.latest().clone());
        let number = library.add_version(id, Content::stored("v4")).unwrap();
        let latest = library.document(id).unwrap().latest();
        assert_eq!((number, latest.number), (old.number + 1, old.number + 1));
        assert!(latest.modified > old.modified);
        assert_eq!(text(&latest.content), b"v4");
        assert_eq!(library.document(id).unwrap().versions.len(), 4);
    }

    #[test]
    fn a_removed_documents_id_is_not_handed_out_again() {
        let library = live();
        let id = library
            .add_document("/", "last.txt", Content::stored("x"))
            .unwrap();
        library.remove_document(id).unwrap();
        assert!(library.document(id).is_none());
        assert!(library.folder_by_path("/").is_some(), "the folder stays");
        let next = library
            .add_document("/", "last.txt", Content::stored("y"))
            .unwrap();
        assert!(next > id);
    }

    #[test]
    fn refused_changes_name_the_reason_and_change_nothing() {
        let library = live();
        let readme = library.document_by_path(README_TXT).unwrap();
        let (folder, name) = (readme.folder.clone(), readme.name.clone());
        let refusals = [
            library.add_document(&folder, &name, Content::stored("")),
            library.add_document("/", "Finance", Content::stored("")),
            library.add_document(README_TXT, "inside.txt", Content::stored("")),
            library.add_document("/Finance", "a/b.txt", Content::stored("")),
            library.add_document("/Finance/../x", "b.txt", Content::stored("")),
            library.add_version(999_999, Content::stored("")),
        ];
        let expected = [
            LibraryChangeError::PathTaken(README_TXT.to_owned()),
            LibraryChangeError::PathTaken("/Finance".to_owned()),
            LibraryChangeError::PathTaken(README_TXT.to_owned()),
            LibraryChangeError::InvalidName("a/b.txt".to_owned()),
            LibraryChangeError::InvalidFolder("/Finance/../x".to_owned()),
            LibraryChangeError::UnknownDocument(999_999),
        ];
        for (refusal, expected) in refusals.into_iter().zip(expected) {
            assert_eq!(refusal, Err(expected));
        }
        assert_eq!(
            library.remove_document(999_999),
            Err(LibraryChangeError::UnknownDocument(999_999))
        );
        assert_eq!(library.generation(), 0);
    }

    #[test]
    fn a_derived_view_is_rebuilt_only_after_a_change() {
        let library = live();
        let view: Derived<usize> = Derived::default();
        let count = |l: &Library| l.documents().len();
        let first = view.get(library.current(), count);
        assert!(Arc::ptr_eq(&first, &view.get(library.current(), count)));
        let id = library.document_by_path(README_TXT).unwrap().id;
        library.remove_document(id).unwrap();
        assert_eq!(*view.get(library.current(), count), *first - 1);
    }
}
