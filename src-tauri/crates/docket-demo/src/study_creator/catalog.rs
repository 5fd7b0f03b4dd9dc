//! The sample library as the study creator's database: each top-level folder is a study, every document below
//! it a file of that study, every version a file version. kf_ids are derived from the library's ids, so they
//! are the same on every run.

use crate::library::sample;
use crate::library::{Document, Library};
use crate::timestamp::Timestamp;

/// The file whose oldest version has a wrong size in the database: the server announces it as
/// `Content-Length` and then sends fewer bytes, as a real server does when the stored object was replaced.
pub const WRONG_SIZE_DOCUMENT: &str = sample::CONTRACT_DOCX;
pub const WRONG_SIZE_VERSION: u32 = 1;
/// How many bytes the database overstates that version by.
pub const WRONG_SIZE_EXCESS: u64 = 4096;

/// Crockford's base32, as kf_ids use (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `prefix` + eight characters. Multiplying by an odd constant modulo 2^40 is a bijection, so distinct inputs
/// give distinct ids that still look scattered.
fn kf_id(prefix: &str, n: u64) -> String {
    let mixed = n.wrapping_mul(0x9E_3779_B97F) & ((1 << 40) - 1);
    let chars: String = (0..8)
        .rev()
        .map(|i| ALPHABET[((mixed >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("{prefix}{chars}")
}

pub fn study_kf_id(folder_id: u32) -> String {
    kf_id("SD_", u64::from(folder_id) + 0x51D0)
}

pub fn file_kf_id(document_id: u32) -> String {
    kf_id("SF_", u64::from(document_id) + 0x5F00_0000)
}

pub fn version_kf_id(document_id: u32, number: u32) -> String {
    kf_id(
        "FV_",
        (u64::from(document_id) << 16 | u64::from(number)) + 0xF0_0000_0000,
    )
}

#[derive(Debug)]
pub struct Study {
    pub kf_id: String,
    pub name: String,
    pub short_name: String,
    pub created_at: Timestamp,
}

#[derive(Debug)]
pub struct File {
    pub kf_id: String,
    /// Index into [`Catalog::studies`].
    pub study: usize,
    pub document_id: u32,
    pub name: String,
    pub description: String,
    /// Oldest first, like the library.
    pub versions: Vec<FileVersion>,
    /// No object behind the key: downloads answer `Problem finding the file`.
    pub object_missing: bool,
}

#[derive(Debug)]
pub struct FileVersion {
    pub kf_id: String,
    pub number: u32,
    pub file_name: String,
    /// What the database says, which is what `Content-Length` says.
    pub db_size: u64,
    pub created_at: Timestamp,
}

#[derive(Debug)]
pub struct Catalog {
    pub studies: Vec<Study>,
    pub files: Vec<File>,
}

impl Catalog {
    pub fn new(library: &Library) -> Catalog {
        let mut studies = Vec::new();
        let mut files = Vec::new();
        for folder in library.subfolders(library.root().id) {
            let study = studies.len();
            let mut created_at: Option<Timestamp> = None;
            for document in documents_below(library, folder.id) {
                created_at =
                    Some(created_at.map_or(document.created(), |t| t.min(document.created())));
                files.push(file(document, study));
            }
            studies.push(Study {
                kf_id: study_kf_id(folder.id),
                name: folder.name.clone(),
                short_name: folder
                    .name
                    .chars()
                    .take(4)
                    .collect::<String>()
                    .to_uppercase(),
                created_at: created_at.unwrap_or_else(|| Timestamp::from_unix(0)),
            });
        }
        Catalog { studies, files }
    }

    pub fn study(&self, kf_id: &str) -> Option<usize> {
        self.studies.iter().position(|s| s.kf_id == kf_id)
    }

    pub fn file(&self, kf_id: &str) -> Option<&File> {
        self.files.iter().find(|f| f.kf_id == kf_id)
    }

    /// The file and the version index of a version kf_id.
    pub fn version(&self, kf_id: &str) -> Option<(&File, usize)> {
        self.files.iter().find_map(|f| {
            f.versions
                .iter()
                .position(|v| v.kf_id == kf_id)
                .map(|at| (f, at))
        })
    }
}

/// The generated study's name (it sorts after the sample's top-level folders); its files are `scan-000001.txt`
/// and on, each holding the sample README's bytes.
pub const BULK_STUDY_NAME: &str = "Scans";
/// Generated files get ids from here on, far from the library's document ids.
const BULK_FIRST_ID: u32 = 10_000_000;

/// `scan-000042.txt` for the 42nd generated file.
pub fn bulk_file_name(number: u32) -> String {
    format!("scan-{number:06}.txt")
}

impl Catalog {
    /// Adds a last study of `count` generated files (none when 0), for browsing a very large folder. Their bytes
    /// are the sample README's, so each one downloads.
    pub fn add_bulk_study(&mut self, library: &Library, count: u32) {
        let Some(readme) = library.document_by_path(sample::README_TXT) else {
            return;
        };
        if count == 0 {
            return;
        }
        let study = self.studies.len();
        let latest = readme.latest();
        self.files.reserve(count as usize);
        for number in 1..=count {
            let id = BULK_FIRST_ID + number;
            let name = bulk_file_name(number);
            self.files.push(File {
                kf_id: file_kf_id(id),
                study,
                document_id: readme.id,
                description: format!("generated scan {number}"),
                versions: vec![FileVersion {
                    kf_id: version_kf_id(id, latest.number),
                    number: latest.number,
                    file_name: name.clone(),
                    db_size: latest.size(),
                    created_at: latest.modified,
                }],
                name,
                object_missing: false,
            });
        }
        self.studies.push(Study {
            kf_id: study_kf_id(BULK_FIRST_ID),
            name: BULK_STUDY_NAME.to_owned(),
            short_name: "BULK".to_owned(),
            created_at: latest.modified,
        });
    }
}

impl File {
    pub fn latest(&self) -> usize {
        self.versions.len().saturating_sub(1)
    }

    /// `/download/study/S/file/F`: the server's `File.path`.
    pub fn path(&self, study: &Study) -> String {
        format!("/download/study/{}/file/{}", study.kf_id, self.kf_id)
    }

    pub fn version_path(&self, study: &Study, version: usize) -> String {
        format!(
            "{}/version/{}",
            self.path(study),
            self.versions[version].kf_id
        )
    }
}

fn file(document: &Document, study: usize) -> File {
    let versions = document
        .versions
        .iter()
        .map(|v| {
            let wrong = document.path() == WRONG_SIZE_DOCUMENT && v.number == WRONG_SIZE_VERSION;
            FileVersion {
                kf_id: version_kf_id(document.id, v.number),
                number: v.number,
                file_name: document.name.clone(),
                db_size: v.size() + if wrong { WRONG_SIZE_EXCESS } else { 0 },
                created_at: v.modified,
            }
        })
        .collect();
    File {
        kf_id: file_kf_id(document.id),
        study,
        document_id: document.id,
        name: document.name.clone(),
        description: format!("{} ({})", document.name, document.folder),
        versions,
        object_missing: document.flags.url_only,
    }
}

fn documents_below(library: &Library, folder_id: u32) -> Vec<&Document> {
    let mut found: Vec<&Document> = library.documents_in(folder_id).collect();
    for sub in library.subfolders(folder_id) {
        found.extend(documents_below(library, sub.id));
    }
    found
}

/// `SD_…/SF_…` of a sample document, as Docket users type it.
pub fn document_ref(library: &Library, document: &Document) -> Option<String> {
    let top = document.folder.split('/').find(|s| !s.is_empty())?;
    let folder = library.folder_by_path(&format!("/{top}"))?;
    Some(format!(
        "{}/{}",
        study_kf_id(folder.id),
        file_kf_id(document.id)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_kf_shape_and_never_collide() {
        let mut ids: Vec<String> = (0..5000).map(file_kf_id).collect();
        assert!(ids.iter().all(|id| id.len() == 11 && id.starts_with("SF_")));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5000);
        assert_ne!(version_kf_id(1001, 1), version_kf_id(1001, 2));
    }

    #[test]
    fn every_document_becomes_a_file_of_its_top_level_folder() {
        let library = Library::sample(1024);
        let catalog = Catalog::new(&library);
        assert_eq!(catalog.files.len(), library.documents().len());
        let finance = catalog
            .study(&study_kf_id(library.folder_by_path("/Finance").unwrap().id))
            .unwrap();
        let names: Vec<&str> = catalog
            .files
            .iter()
            .filter(|f| f.study == finance)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["Q1-Report.pdf", "ledger-2024.csv"]);
    }

    #[test]
    fn the_bulk_study_comes_last_with_as_many_numbered_files_as_asked_and_distinct_ids() {
        let library = Library::sample(1024);
        let mut catalog = Catalog::new(&library);
        let before = catalog.files.len();
        catalog.add_bulk_study(&library, 2000);
        let bulk = catalog.studies.len() - 1;
        assert_eq!(catalog.studies[bulk].name, BULK_STUDY_NAME);
        let files: Vec<&File> = catalog.files.iter().filter(|f| f.study == bulk).collect();
        assert_eq!(files.len(), 2000);
        assert_eq!(catalog.files.len(), before + 2000);
        assert_eq!(files[0].name, "scan-000001.txt");
        assert_eq!(files[1999].name, "scan-002000.txt");
        let mut ids: Vec<&str> = catalog.files.iter().map(|f| f.kf_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), catalog.files.len());
    }

    #[test]
    fn only_the_chosen_version_has_a_wrong_database_size() {
        let library = Library::sample(1024);
        let catalog = Catalog::new(&library);
        let wrong: Vec<(u32, u32)> = catalog
            .files
            .iter()
            .flat_map(|f| {
                let document = library.document(f.document_id).unwrap();
                f.versions
                    .iter()
                    .filter(move |v| v.db_size != document.version(v.number).unwrap().size())
                    .map(move |v| (f.document_id, v.number))
            })
            .collect();
        let contract = library.document_by_path(WRONG_SIZE_DOCUMENT).unwrap().id;
        assert_eq!(wrong, [(contract, WRONG_SIZE_VERSION)]);
    }
}
