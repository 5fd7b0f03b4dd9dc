//! Resolving infoRouter paths against the library, and the listing's descriptive fields.

use crate::library::{Document, Folder, Library};
use crate::timestamp::Timestamp;

pub(super) const DOCUMENT_NOT_FOUND: &str = "Document not found";
pub(super) const FOLDER_NOT_FOUND: &str = "Folder not found.";

/// infoRouter numbers version N as N × 1,000,000.
pub(super) const VERSION_STEP: u64 = 1_000_000;

/// A full path (`/Finance/Q1.pdf`, backslashes allowed) or a short id (`~D1001`, `~D1001.pdf`).
pub(super) fn document<'a>(library: &'a Library, path: &str) -> Option<&'a Document> {
    let path = path.trim();
    if let Some(short) = path.strip_prefix("~D").or_else(|| path.strip_prefix("~d")) {
        let digits = short.split('.').next()?;
        return library.document(digits.parse().ok()?);
    }
    library.document_by_path(&path.replace('\\', "/"))
}

pub(super) fn folder<'a>(library: &'a Library, path: &str) -> Option<&'a Folder> {
    library.folder_by_path(&path.trim().replace('\\', "/"))
}

/// `2024-06-15 09:30:00`, as listings write dates.
pub(super) fn listing_date(at: Timestamp) -> String {
    at.rfc3339().trim_end_matches('Z').replacen('T', " ", 1)
}

/// The `dformat` label infoRouter shows for a type.
pub(super) fn format_label(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => "Adobe PDF Document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "Microsoft Word Document"
        }
        "text/csv" => "Comma Separated Values",
        "application/xml" => "XML Document",
        "text/plain" => "Text Document",
        "image/png" | "image/jpeg" => "Image",
        _ => "Binary File",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::sample;

    #[test]
    fn documents_are_found_by_path_or_short_id() {
        let library = Library::sample(1024);
        let report = library.document_by_path(sample::REPORT_PDF).unwrap();
        assert_eq!(
            document(&library, sample::REPORT_PDF).map(|d| d.id),
            Some(report.id)
        );
        assert_eq!(
            document(&library, &format!("~D{}", report.id)).map(|d| d.id),
            Some(report.id)
        );
        assert_eq!(
            document(&library, &format!("~D{}.pdf", report.id)).map(|d| d.id),
            Some(report.id)
        );
        assert_eq!(
            document(&library, &sample::REPORT_PDF.replace('/', "\\")).map(|d| d.id),
            Some(report.id)
        );
        assert!(document(&library, "~D9999999").is_none());
        assert!(document(&library, "~Dx").is_none());
    }

    #[test]
    fn listing_dates_have_a_space_and_no_zone() {
        assert_eq!(
            listing_date(Timestamp::utc(2024, 6, 15, 9, 30, 0)),
            "2024-06-15 09:30:00"
        );
    }
}
