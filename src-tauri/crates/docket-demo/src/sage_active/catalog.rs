//! The sample library as Sage Active sees it: files attached to business entities. Every folder that holds
//! documents becomes one entity; its top-level folder decides the entity type. Two extra files exist only here:
//! one still waiting for its antivirus scan (listed only when asked for by id) and one whose stored file was
//! removed (listed, but its links answer 404).

use sha2::{Digest, Sha256};

use crate::library::{Document, Library};
use crate::timestamp::Timestamp;

pub const CUSTOMER: &str = "Customer";
pub const SUPPLIER: &str = "Supplier";
pub const ACCOUNTING_ENTRY: &str = "AccountingEntry";

/// The entity type of the library folders under each top-level folder; others are suppliers.
const TYPE_BY_TOP_FOLDER: &[(&str, &str)] = &[
    ("Finance", ACCOUNTING_ENTRY),
    ("Archive", ACCOUNTING_ENTRY),
    ("Legal", CUSTOMER),
    ("Projects", CUSTOMER),
];

/// The customer the two Sage-only files hang off.
const UPLOADS_ENTITY_SEED: &str = "/Customers/Recent uploads";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Scanned and stored: the bytes are the latest version of this library document.
    Available { document_id: u32 },
    /// Uploaded, antivirus scan not finished: no links, hidden from listings not filtered by id.
    Scanning,
    /// Listed, but the stored file is gone: links answer 404 "could not be found".
    Removed,
}

/// One `EntityFile`.
#[derive(Debug, Clone)]
pub struct FileRecord {
    /// 32 hex digits and the extension, e.g. `98f7adc7dd104cd984f9c113ef9a8e54.pdf`.
    pub id: String,
    pub file_name: String,
    /// The extension without the dot (`pdf`), empty when the name has none.
    pub extension: String,
    pub mime: String,
    pub size: u64,
    pub uploaded: Timestamp,
    pub entity_type: &'static str,
    pub entity_id: String,
    /// `2024-04-02`
    pub business_date: String,
    pub state: FileState,
}

impl FileRecord {
    /// Whether the file passed the antivirus scan, so unfiltered listings show it.
    pub fn is_scanned(&self) -> bool {
        self.state != FileState::Scanning
    }
}

/// Every file, in library order, then the two Sage-only files.
#[derive(Debug)]
pub struct Catalog {
    files: Vec<FileRecord>,
}

impl Catalog {
    pub fn new(library: &Library) -> Catalog {
        let mut files: Vec<FileRecord> = library.documents().iter().map(record).collect();
        let uploads = entity_id(UPLOADS_ENTITY_SEED);
        let uploaded = Timestamp::utc(2024, 6, 20, 10, 0, 0);
        files.push(FileRecord {
            id: PENDING_FILE_ID.to_owned(),
            file_name: "receipt-scan.pdf".to_owned(),
            extension: "pdf".to_owned(),
            mime: "application/pdf".to_owned(),
            size: 48_213,
            uploaded,
            entity_type: CUSTOMER,
            entity_id: uploads.clone(),
            business_date: uploaded.date(),
            state: FileState::Scanning,
        });
        files.push(FileRecord {
            id: REMOVED_FILE_ID.to_owned(),
            file_name: "signed-order-form.pdf".to_owned(),
            extension: "pdf".to_owned(),
            mime: "application/pdf".to_owned(),
            size: 91_377,
            uploaded,
            entity_type: CUSTOMER,
            entity_id: uploads,
            business_date: uploaded.date(),
            state: FileState::Removed,
        });
        Catalog { files }
    }

    pub fn files(&self) -> &[FileRecord] {
        &self.files
    }

    pub fn file(&self, id: &str) -> Option<&FileRecord> {
        self.files.iter().find(|f| f.id == id)
    }
}

/// The file still being scanned.
pub const PENDING_FILE_ID: &str = "5c0ffee0a11ce5ca7f00d5ca40000001.pdf";
/// The file whose stored bytes were removed.
pub const REMOVED_FILE_ID: &str = "5c0ffee0a11ce5ca7f00d5ca40000002.pdf";

/// The id of the customer holding the two Sage-only files.
pub fn uploads_entity_id() -> String {
    entity_id(UPLOADS_ENTITY_SEED)
}

/// The file id of a library document: stable across runs, shaped like Sage's (`<32 hex>.<ext>`).
pub fn file_id(doc: &Document) -> String {
    let digest = Sha256::digest(format!("sage-active file {}", doc.id).as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    match doc.extension() {
        "" => hex,
        ext => format!("{hex}.{}", ext.to_ascii_lowercase()),
    }
}

/// The entity type and id a library document is attached to.
pub fn entity_of(doc: &Document) -> (&'static str, String) {
    (entity_type_of(&doc.folder), entity_id(&doc.folder))
}

fn entity_type_of(folder: &str) -> &'static str {
    let top = folder
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    TYPE_BY_TOP_FOLDER
        .iter()
        .find(|(name, _)| *name == top)
        .map_or(SUPPLIER, |(_, entity_type)| entity_type)
}

/// A GUID-shaped entity id derived from a folder path, as Sage Active's entity ids are GUIDs.
fn entity_id(seed: &str) -> String {
    let d = Sha256::digest(format!("sage-active entity {seed}").as_bytes());
    let hex = |range: std::ops::Range<usize>| -> String {
        d[range].iter().map(|b| format!("{b:02x}")).collect()
    };
    format!(
        "{}-{}-4{}-8{}-{}",
        hex(0..4),
        hex(4..6),
        &hex(6..8)[1..],
        &hex(8..10)[1..],
        hex(10..16)
    )
}

fn record(doc: &Document) -> FileRecord {
    let (entity_type, entity_id) = entity_of(doc);
    FileRecord {
        id: file_id(doc),
        file_name: doc.name.clone(),
        extension: doc.extension().to_ascii_lowercase(),
        mime: doc.mime.to_owned(),
        size: doc.size(),
        uploaded: doc.modified(),
        entity_type,
        entity_id,
        business_date: doc.created().date(),
        state: FileState::Available {
            document_id: doc.id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::sample;

    fn library() -> Library {
        Library::sample(4096)
    }

    #[test]
    fn every_library_document_is_a_scanned_file_with_its_own_id() {
        let library = library();
        let catalog = Catalog::new(&library);
        for doc in library.documents() {
            let file = catalog.file(&file_id(doc)).unwrap();
            assert_eq!(
                file.state,
                FileState::Available {
                    document_id: doc.id
                }
            );
            assert_eq!(file.size, doc.size());
            assert!(file.is_scanned());
        }
        let mut ids: Vec<&str> = catalog.files().iter().map(|f| f.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), library.documents().len() + 2);
    }

    #[test]
    fn file_ids_look_like_sages_and_keep_the_extension() {
        let library = library();
        let report = library.document_by_path(sample::REPORT_PDF).unwrap();
        let id = file_id(report);
        let (hex, ext) = id.split_once('.').unwrap();
        assert_eq!(hex.len(), 32);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(ext, "pdf");
    }

    #[test]
    fn finance_documents_hang_off_accounting_entries_and_legal_ones_off_customers() {
        let library = library();
        let ledger = library.document_by_path(sample::LEDGER_CSV).unwrap();
        let report = library.document_by_path(sample::REPORT_PDF).unwrap();
        let contract = library.document_by_path(sample::CONTRACT_DOCX).unwrap();
        let logo = library.document_by_path(sample::LOGO_PNG).unwrap();
        assert_eq!(entity_of(ledger).0, ACCOUNTING_ENTRY);
        assert_eq!(entity_of(ledger), entity_of(report));
        assert_eq!(entity_of(contract).0, CUSTOMER);
        assert_eq!(entity_of(logo).0, SUPPLIER);
    }

    #[test]
    fn entity_ids_are_guid_shaped() {
        let id = uploads_entity_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
    }

    #[test]
    fn only_the_pending_file_is_unscanned() {
        let catalog = Catalog::new(&library());
        let unscanned: Vec<&str> = catalog
            .files()
            .iter()
            .filter(|f| !f.is_scanned())
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(unscanned, [PENDING_FILE_ID]);
    }
}
