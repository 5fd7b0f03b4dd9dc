//! The sample library as Index Health sees it: each top-level folder is a collection, every document below it
//! (at any depth) belongs to that collection, and the subfolders become the document's tags.

use serde_json::{json, Value};

use crate::library::{Document, Folder, Library};
use crate::timestamp::Timestamp;

/// A collection: one top-level folder of the library.
#[derive(Debug, Clone, Copy)]
pub struct Collection<'a> {
    pub folder: &'a Folder,
}

impl Collection<'_> {
    /// `col-finance` for `/Finance`.
    pub fn id(&self) -> String {
        collection_id(self.folder)
    }

    pub fn name(&self) -> &str {
        &self.folder.name
    }
}

/// `col-` and the folder name in lowercase ASCII, other characters as `-`.
pub fn collection_id(folder: &Folder) -> String {
    let slug: String = folder
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("col-{slug}")
}

/// `doc-1001` for library document 1001.
pub fn document_id(document: &Document) -> String {
    format!("doc-{}", document.id)
}

/// Every collection, in the library's folder order.
pub fn collections(library: &Library) -> Vec<Collection<'_>> {
    library
        .subfolders(Library::ROOT_ID)
        .map(|folder| Collection { folder })
        .collect()
}

pub fn collection<'a>(library: &'a Library, id: &str) -> Option<Collection<'a>> {
    collections(library).into_iter().find(|c| c.id() == id)
}

/// The collection a document belongs to; `None` for a document directly at the library's root.
pub fn collection_of<'a>(library: &'a Library, document: &Document) -> Option<Collection<'a>> {
    let top = document.folder.split('/').find(|s| !s.is_empty())?;
    library
        .folder_by_path(top)
        .map(|folder| Collection { folder })
}

pub fn documents_in<'a>(library: &'a Library, collection: Collection<'_>) -> Vec<&'a Document> {
    let prefix = format!("{}/", collection.folder.path);
    library
        .documents()
        .iter()
        .filter(|d| d.folder == collection.folder.path || d.folder.starts_with(&prefix))
        .collect()
}

/// The document with this API id, if it belongs to a collection.
pub fn document<'a>(library: &'a Library, id: &str) -> Option<&'a Document> {
    let number: u32 = id.strip_prefix("doc-")?.parse().ok()?;
    library
        .document(number)
        .filter(|d| collection_of(library, d).is_some())
}

/// Where the uploaded file lives in the bucket; URL-based documents have none.
pub fn file_path(library: &Library, document: &Document) -> Option<String> {
    if document.flags.url_only {
        return None;
    }
    let collection = collection_of(library, document)?;
    Some(format!(
        "documents/{}/{}/{}",
        collection.id(),
        document_id(document),
        document.name
    ))
}

/// One document as `get-documents` and `get-document-details` answer it.
pub fn record(library: &Library, document: &Document) -> Value {
    let collection = collection_of(library, document);
    let tags: Vec<&str> = collection
        .map(|c| {
            document
                .folder
                .strip_prefix(c.folder.path.as_str())
                .unwrap_or_default()
                .split('/')
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let document_type = if document.flags.url_only {
        "url".to_owned()
    } else {
        document.extension().to_ascii_lowercase()
    };
    json!({
        "document_id": document_id(document),
        "document_name": document.name,
        "document_type": document_type,
        "collection_id": collection.map(|c| c.id()),
        "document_file_path": file_path(library, document),
        "document_url": document.url,
        "document_tags": tags,
        "created_at": iso(document.created()),
        "updated_at": iso(document.modified()),
        "collection_name": collection.map(|c| c.name().to_owned()),
    })
}

/// JavaScript's `toISOString()`: milliseconds and `Z`.
fn iso(time: Timestamp) -> String {
    let text = time.rfc3339();
    format!("{}.000Z", text.trim_end_matches('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::sample;

    #[test]
    fn top_level_folders_become_collections_holding_every_document_below_them() {
        let library = Library::sample(16);
        let ids: Vec<String> = collections(&library).iter().map(Collection::id).collect();
        assert!(ids.contains(&"col-finance".to_owned()), "{ids:?}");
        let finance = collection(&library, "col-finance").unwrap();
        let names: Vec<&str> = documents_in(&library, finance)
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["Q1-Report.pdf", "ledger-2024.csv"]);
    }

    #[test]
    fn the_url_based_document_has_a_link_and_no_file_path() {
        let library = Library::sample(16);
        let link = library.document_by_path(sample::INTRANET_LINK).unwrap();
        let record = record(&library, link);
        assert!(record["document_file_path"].is_null());
        assert_eq!(record["document_url"], link.url.clone().unwrap());
    }

    #[test]
    fn document_ids_round_trip_and_subfolders_become_tags() {
        let library = Library::sample(16);
        let report = library.document_by_path(sample::REPORT_PDF).unwrap();
        let id = document_id(report);
        assert_eq!(document(&library, &id).map(|d| d.id), Some(report.id));
        assert!(document(&library, "doc-999999").is_none());
        assert_eq!(
            record(&library, report)["document_tags"],
            json!(["Reports", "2024"])
        );
        assert_eq!(
            record(&library, report)["created_at"],
            "2024-04-02T08:15:00.000Z"
        );
    }
}
