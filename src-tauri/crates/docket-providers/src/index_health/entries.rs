//! IndexSDK documents as Docket entries.

use docket_core::Entry;
use serde_json::{Map, Value};

use super::wire::DocumentRecord;

/// A listed document: id is `document_id`, the parent its collection; what has no column goes to `extra`.
pub fn document_entry(record: &DocumentRecord) -> Entry {
    let mut entry = Entry::document(&record.document_id, &record.document_name);
    entry.mime = mime(record);
    entry.modified = record
        .updated_at
        .clone()
        .or_else(|| record.created_at.clone());
    entry.parent = record.collection_id.clone();
    let mut extra = Map::new();
    let mut keep = |key: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            extra.insert(key.to_owned(), value);
        }
    };
    keep(
        "document_type",
        record.document_type.clone().map(Value::from),
    );
    keep("document_tags", record.document_tags.clone());
    keep("document_url", record.document_url.clone().map(Value::from));
    keep("created_at", record.created_at.clone().map(Value::from));
    keep(
        "collection_name",
        record.collection_name.clone().map(Value::from),
    );
    if record.is_url_based() {
        // Said up front, so a front end can tell before the download is refused.
        keep("downloadable", Some(Value::Bool(false)));
    }
    entry.extra = Value::Object(extra);
    entry
}

/// The name to save under: `document_name`, given the stored file's extension when the name has none.
pub fn file_name(record: &DocumentRecord) -> String {
    let name = record.document_name.trim();
    if extension(name).is_some() {
        return name.to_owned();
    }
    match record.document_file_path.as_deref().and_then(extension) {
        Some(ext) => format!("{name}.{ext}"),
        None => name.to_owned(),
    }
}

/// `document_type` as a MIME type: taken as it is when it is one, else read as a file type (`pdf`), else from
/// the file's extension.
pub fn mime(record: &DocumentRecord) -> Option<String> {
    if let Some(kind) = record.document_type.as_deref().map(str::trim) {
        if kind.contains('/') {
            return Some(kind.to_ascii_lowercase());
        }
        if let Some(mime) = mime_of_extension(kind) {
            return Some(mime.to_owned());
        }
    }
    let ext = extension(&record.document_name)
        .or_else(|| record.document_file_path.as_deref().and_then(extension))?;
    mime_of_extension(ext).map(str::to_owned)
}

fn extension(name: &str) -> Option<&str> {
    let file = name.rsplit(['/', '\\']).next()?;
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.len() <= 8 => Some(ext),
        _ => None,
    }
}

/// The types the API page names (PDF, DOCX, TXT, images) and the other common office formats.
fn mime_of_extension(ext: &str) -> Option<&'static str> {
    Some(
        match ext.trim_start_matches('.').to_ascii_lowercase().as_str() {
            "pdf" => "application/pdf",
            "doc" => "application/msword",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "txt" => "text/plain",
            "csv" => "text/csv",
            "xml" => "application/xml",
            "json" => "application/json",
            "zip" => "application/zip",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            _ => return None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, kind: Option<&str>, path: Option<&str>) -> DocumentRecord {
        DocumentRecord {
            document_id: "d1".into(),
            document_name: name.into(),
            document_type: kind.map(Into::into),
            collection_id: Some("c1".into()),
            document_file_path: path.map(Into::into),
            document_url: None,
            document_tags: None,
            created_at: Some("2024-01-01T00:00:00Z".into()),
            updated_at: Some("2024-02-01T00:00:00Z".into()),
            collection_name: None,
        }
    }

    #[test]
    fn a_name_without_extension_takes_the_stored_files_extension() {
        let r = record("Annual report", None, Some("uploads/abc/annual.pdf"));
        assert_eq!(file_name(&r), "Annual report.pdf");
        assert_eq!(mime(&r).as_deref(), Some("application/pdf"));
    }

    #[test]
    fn document_type_is_read_as_a_mime_type_or_as_a_file_type() {
        assert_eq!(
            mime(&record("a", Some("image/PNG"), None)).as_deref(),
            Some("image/png")
        );
        assert_eq!(
            mime(&record("a", Some("DOCX"), None)).as_deref(),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
    }

    #[test]
    fn a_listed_document_names_its_collection_and_last_update() {
        let entry = document_entry(&record("Q1.pdf", None, Some("q1.pdf")));
        assert_eq!(entry.parent.as_deref(), Some("c1"));
        assert_eq!(entry.modified.as_deref(), Some("2024-02-01T00:00:00Z"));
        assert_eq!(entry.extra["created_at"], "2024-01-01T00:00:00Z");
    }
}
