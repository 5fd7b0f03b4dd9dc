//! The sample library every vendor API serves: one tree of folders and documents, built by code so that it is the
//! same on every run. Vendors without folders (Index Health collections, Sage Active entities) map the tree onto
//! their own shape. Tests change it while the server runs through [`LiveLibrary`].

mod generated;
pub mod live;
pub mod sample;

pub use generated::GeneratedDocuments;
pub(crate) use live::Derived;
pub use live::{LibraryChangeError, LiveLibrary};

use crate::content::Content;
use crate::timestamp::Timestamp;

/// A folder; the root has id [`Library::ROOT_ID`], path `/` and an empty name.
#[derive(Debug, Clone)]
pub struct Folder {
    pub id: u32,
    pub name: String,
    /// `/Finance/Reports/2024`, no trailing slash.
    pub path: String,
    pub parent: Option<u32>,
}

/// A document and all its versions.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable across runs; vendor modules derive their own id formats from it.
    pub id: u32,
    pub name: String,
    pub folder_id: u32,
    /// Path of the folder holding the document.
    pub folder: String,
    pub mime: &'static str,
    /// Oldest first; the last one is current. Never empty.
    pub versions: Vec<Version>,
    pub flags: DocFlags,
    /// The link of a URL-only document (`flags.url_only`).
    pub url: Option<String>,
}

/// What a vendor module has to treat specially; each flag is set on exactly one sample document.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DocFlags {
    /// Index Health: has a `document_url` and no file path, so downloads answer 435 "Document has no file path".
    pub url_only: bool,
    /// Ansarada: the download job ends FAILED with a failure reason.
    pub job_fails: bool,
    /// infoRouter: archived in an offline library; staging it answers an error.
    pub offline: bool,
}

#[derive(Debug, Clone)]
pub struct Version {
    /// 1, 2, 3, ... (infoRouter multiplies by 1,000,000).
    pub number: u32,
    pub modified: Timestamp,
    pub content: Content,
}

impl Version {
    pub fn size(&self) -> u64 {
        self.content.len()
    }
}

impl Document {
    /// `/Finance/Reports/2024/Q1-Report.pdf`
    pub fn path(&self) -> String {
        join(&self.folder, &self.name)
    }

    pub fn latest(&self) -> &Version {
        // The builder never creates a document without versions.
        &self.versions[self.versions.len() - 1]
    }

    pub fn version(&self, number: u32) -> Option<&Version> {
        self.versions.iter().find(|v| v.number == number)
    }

    /// Size of the current version.
    pub fn size(&self) -> u64 {
        self.latest().size()
    }

    /// Modification time of the current version.
    pub fn modified(&self) -> Timestamp {
        self.latest().modified
    }

    /// Modification time of the first version.
    pub fn created(&self) -> Timestamp {
        self.versions[0].modified
    }

    /// `pdf` for `Q1-Report.pdf`, empty when the name has none.
    pub fn extension(&self) -> &str {
        match self.name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext,
            _ => "",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Library {
    folders: Vec<Folder>,
    documents: Vec<Document>,
    /// The id the next new folder gets. Vendor ids derive from library ids, so no id is handed out twice.
    next_folder_id: u32,
    /// The id the next new document gets, never one a removed document had.
    next_document_id: u32,
    /// See [`Library::generation`].
    generation: u64,
}

impl Library {
    pub const ROOT_ID: u32 = 1;
    const FIRST_DOCUMENT_ID: u32 = 1001;

    /// The sample tree (see [`sample`]), its large file `large_file_size` bytes long.
    pub fn sample(large_file_size: u64) -> Library {
        sample::build(large_file_size)
    }

    /// The sample tree with `generated` documents added (see [`GeneratedDocuments`]).
    pub fn sample_with(large_file_size: u64, generated: &[GeneratedDocuments]) -> Library {
        let mut builder = sample::builder(large_file_size);
        for documents in generated {
            documents.add_to(&mut builder);
        }
        builder.build()
    }

    pub fn root(&self) -> &Folder {
        &self.folders[0]
    }

    /// Every folder, root first, parents before children.
    pub fn folders(&self) -> &[Folder] {
        &self.folders
    }

    /// Every document, in id order.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    pub fn folder(&self, id: u32) -> Option<&Folder> {
        self.folders.iter().find(|f| f.id == id)
    }

    /// Accepts paths with or without a trailing slash; `/` and the empty path are the root.
    pub fn folder_by_path(&self, path: &str) -> Option<&Folder> {
        let path = normalize(path);
        self.folders.iter().find(|f| f.path == path)
    }

    pub fn document(&self, id: u32) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn document_by_path(&self, path: &str) -> Option<&Document> {
        let path = normalize(path);
        self.documents.iter().find(|d| d.path() == path)
    }

    /// Direct subfolders of a folder, in creation order.
    pub fn subfolders(&self, folder_id: u32) -> impl Iterator<Item = &Folder> + '_ {
        self.folders
            .iter()
            .filter(move |f| f.parent == Some(folder_id))
    }

    /// Documents directly in a folder, in id order.
    pub fn documents_in(&self, folder_id: u32) -> impl Iterator<Item = &Document> + '_ {
        self.documents
            .iter()
            .filter(move |d| d.folder_id == folder_id)
    }

    /// 0 as built; each change while the server runs makes a copy one generation on (see [`LiveLibrary`]), so
    /// views derived from the library know when to rebuild.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn empty() -> Library {
        let root = Folder {
            id: Library::ROOT_ID,
            name: String::new(),
            path: "/".to_owned(),
            parent: None,
        };
        Library {
            folders: vec![root],
            documents: Vec::new(),
            next_folder_id: Library::ROOT_ID + 1,
            next_document_id: Library::FIRST_DOCUMENT_ID,
            generation: 0,
        }
    }

    /// The id of the folder at `path`, creating it and its parents when missing.
    fn create_folder(&mut self, path: &str) -> u32 {
        let path = normalize(path);
        if let Some(existing) = self.folder_by_path(&path) {
            return existing.id;
        }
        let (parent_path, name) = path.rsplit_once('/').unwrap_or(("", &path));
        let parent = self.create_folder(if parent_path.is_empty() {
            "/"
        } else {
            parent_path
        });
        let id = self.next_folder_id;
        self.next_folder_id += 1;
        self.folders.push(Folder {
            id,
            name: name.to_owned(),
            path: path.clone(),
            parent: Some(parent),
        });
        id
    }

    /// Adds a document named `name` to the folder at `folder` (created when missing) under a fresh id.
    fn insert_document(
        &mut self,
        folder: &str,
        name: &str,
        mime: &'static str,
        versions: Vec<Version>,
    ) -> &mut Document {
        let folder = normalize(folder);
        let folder_id = self.create_folder(&folder);
        let id = self.next_document_id;
        self.next_document_id += 1;
        self.documents.push(Document {
            id,
            name: name.to_owned(),
            folder_id,
            folder,
            mime,
            versions,
            flags: DocFlags::default(),
            url: None,
        });
        let last = self.documents.len() - 1;
        &mut self.documents[last]
    }
}

/// Builds a library: folders are created on demand, ids are handed out in call order.
#[derive(Debug)]
pub(crate) struct Builder {
    library: Library,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder {
            library: Library::empty(),
        }
    }

    /// Adds a document at `path` (folder path + name) and returns it. `versions` must not be empty.
    pub(crate) fn document(
        &mut self,
        path: &str,
        mime: &'static str,
        versions: Vec<Version>,
    ) -> &mut Document {
        assert!(!versions.is_empty(), "{path} needs at least one version");
        let path = normalize(path);
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", &path));
        self.library.insert_document(folder, name, mime, versions)
    }

    pub(crate) fn build(self) -> Library {
        self.library
    }
}

/// Leading slash, no trailing slash (except the root), no empty segments.
fn normalize(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    format!("/{}", segments.join("/"))
}

fn join(folder: &str, name: &str) -> String {
    if folder == "/" {
        format!("/{name}")
    } else {
        format!("{folder}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_version(text: &'static str) -> Vec<Version> {
        vec![Version {
            number: 1,
            modified: Timestamp::from_unix(0),
            content: Content::stored(text.as_bytes()),
        }]
    }

    fn small_library() -> Library {
        let mut builder = Builder::new();
        builder.document("/a/b/c/deep.txt", "text/plain", one_version("deep"));
        builder.document("/a/top.txt", "text/plain", one_version("top"));
        builder.document("/root.txt", "text/plain", one_version("root"));
        builder.build()
    }

    #[test]
    fn adding_a_document_creates_its_missing_parent_folders() {
        let library = small_library();
        let paths: Vec<&str> = library.folders().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["/", "/a", "/a/b", "/a/b/c"]);
        let c = library.folder_by_path("/a/b/c").unwrap();
        assert_eq!(c.name, "c");
        assert_eq!(c.parent, library.folder_by_path("/a/b").map(|f| f.id));
    }

    #[test]
    fn lookups_by_id_and_by_path_find_the_same_document() {
        let library = small_library();
        let by_path = library.document_by_path("/a/top.txt").unwrap();
        assert_eq!(library.document(by_path.id).unwrap().path(), "/a/top.txt");
        assert_eq!(library.document_by_path("/root.txt").unwrap().folder, "/");
    }

    #[test]
    fn paths_are_found_with_or_without_slashes_at_the_ends() {
        let library = small_library();
        assert_eq!(
            library.folder_by_path("a/b/").map(|f| f.id),
            library.folder_by_path("/a/b").map(|f| f.id)
        );
        assert_eq!(
            library.folder_by_path("").map(|f| f.id),
            Some(Library::ROOT_ID)
        );
        assert!(library.folder_by_path("/a/x").is_none());
    }

    #[test]
    fn a_folder_listing_holds_only_direct_children() {
        let library = small_library();
        let a = library.folder_by_path("/a").unwrap().id;
        let folders: Vec<&str> = library.subfolders(a).map(|f| f.name.as_str()).collect();
        let documents: Vec<&str> = library.documents_in(a).map(|d| d.name.as_str()).collect();
        assert_eq!(folders, ["b"]);
        assert_eq!(documents, ["top.txt"]);
    }

    #[test]
    fn extensions_come_from_the_last_dot_of_the_name() {
        let mut builder = Builder::new();
        builder.document("/x/report.final.pdf", "application/pdf", one_version("x"));
        builder.document("/x/.hidden", "text/plain", one_version("x"));
        builder.document("/x/Makefile", "text/plain", one_version("x"));
        let library = builder.build();
        let extensions: Vec<&str> = library
            .documents()
            .iter()
            .map(Document::extension)
            .collect();
        assert_eq!(extensions, ["pdf", "", ""]);
    }
}
