//! The sample tree. Paths are public so tests in every crate can name the document they mean.

use super::{Builder, Library, Version};
use crate::content::Content;
use crate::samples;
use crate::timestamp::Timestamp;

/// Three pages of text.
pub const REPORT_PDF: &str = "/Finance/Reports/2024/Q1-Report.pdf";
/// 10,000 records with quoted commas, doubled quotes, quoted line breaks and UTF-8 names.
pub const LEDGER_CSV: &str = "/Finance/Reports/2024/ledger-2024.csv";
/// Three versions, each with different bytes and a later modification date.
pub const CONTRACT_DOCX: &str = "/Legal/Contracts/Master Services Agreement.docx";
/// `flags.job_fails`: Ansarada's download job for it ends FAILED.
pub const BOARD_MINUTES_PDF: &str = "/Legal/Board/Board minutes (restricted).pdf";
/// Namespaces, attributes, CDATA and comments.
pub const CATALOG_XML: &str = "/Engineering/Data/catalog.xml";
/// `DemoConfig::large_file_size` bytes generated from the offset.
pub const LARGE_FILE: &str = "/Engineering/Data/telemetry-archive.bin";
pub const README_TXT: &str = "/Engineering/README.txt";
pub const LOGO_PNG: &str = "/Media/Logos/docket-logo.png";
pub const PHOTO_JPG: &str = "/Media/Photos/site-photo.jpg";
/// UTF-8 in both the folder and the file name.
pub const NOTES_TXT: &str = "/Projects/München Büro/Notizen von Zoë.txt";
/// `flags.offline`: infoRouter refuses to stage it.
pub const ARCHIVED_PDF: &str = "/Archive/2019/Annual Report 2019.pdf";
/// `flags.url_only`: Index Health lists it with a `document_url` and cannot download it.
pub const INTRANET_LINK: &str = "/Links/Travel policy.url";

pub const PDF: &str = "application/pdf";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const CSV: &str = "text/csv";
pub const XML: &str = "application/xml";
pub const TXT: &str = "text/plain";
pub const PNG: &str = "image/png";
pub const JPEG: &str = "image/jpeg";
pub const BINARY: &str = "application/octet-stream";
pub const URL_SHORTCUT: &str = "application/internet-shortcut";

const INTRANET_URL: &str = "https://intranet.example.com/policies/travel";

pub(super) fn build(large_file_size: u64) -> Library {
    builder(large_file_size).build()
}

/// The sample tree, before anything is added to it.
pub(super) fn builder(large_file_size: u64) -> Builder {
    let mut b = Builder::new();
    b.document(
        REPORT_PDF,
        PDF,
        one(
            at(2024, 4, 2, 8, 15),
            samples::pdf::pages(
                "Q1 2024 Report",
                &[
                    &[
                        "Revenue grew 12% over Q4 2023.",
                        "Operating costs were flat.",
                    ],
                    &[
                        "Revenue by region",
                        "North: 4.1 M   South: 3.2 M   West: 2.7 M",
                    ],
                    &["Outlook", "Q2 bookings are on plan."],
                ],
            ),
        ),
    );
    b.document(
        LEDGER_CSV,
        CSV,
        one(at(2024, 4, 3, 17, 2), samples::csv::ledger(10_000)),
    );
    b.document(CONTRACT_DOCX, DOCX, contract_versions());
    b.document(
        BOARD_MINUTES_PDF,
        PDF,
        one(
            at(2024, 5, 21, 18, 40),
            samples::pdf::document(
                "Board minutes (restricted)",
                &["Watermarking fails for this file."],
            ),
        ),
    )
    .flags
    .job_fails = true;
    b.document(
        CATALOG_XML,
        XML,
        one(at(2024, 6, 1, 12, 0), samples::xml::catalog(25)),
    );
    b.document(
        LARGE_FILE,
        BINARY,
        single(
            at(2024, 6, 10, 3, 0),
            Content::generated(large_file_size, 0x0D0C_4E7D),
        ),
    );
    b.document(
        README_TXT,
        TXT,
        one(
            at(2024, 1, 15, 9, 0),
            "Engineering shared drive\n\nData/ holds the sensor catalog and the telemetry archive.\n",
        ),
    );
    b.document(
        LOGO_PNG,
        PNG,
        one(at(2023, 11, 5, 14, 30), samples::png::gradient(64, 64)),
    );
    b.document(PHOTO_JPG, JPEG, one(at(2023, 11, 6, 10, 12), samples::JPEG));
    b.document(
        NOTES_TXT,
        TXT,
        one(
            at(2024, 3, 8, 16, 45),
            "Notizen von Zoë – Büro München\n\n• Umzug in den 3. Stock: März\n• Schlüssel bei Jürgen\n",
        ),
    );
    b.document(
        ARCHIVED_PDF,
        PDF,
        one(
            at(2020, 2, 28, 11, 0),
            samples::pdf::document("Annual Report 2019", &["Archived: offline library."]),
        ),
    )
    .flags
    .offline = true;
    let link = b.document(
        INTRANET_LINK,
        URL_SHORTCUT,
        one(
            at(2024, 2, 1, 8, 0),
            format!("[InternetShortcut]\r\nURL={INTRANET_URL}\r\n"),
        ),
    );
    link.flags.url_only = true;
    link.url = Some(INTRANET_URL.to_owned());
    b
}

fn contract_versions() -> Vec<Version> {
    let dates = [
        at(2024, 1, 10, 9, 0),
        at(2024, 2, 14, 15, 30),
        at(2024, 5, 2, 11, 45),
    ];
    let mut clauses = vec!["1. Scope: the supplier provides document hosting."];
    let added = [
        "2. Term: twelve months from signature.",
        "3. Liability: capped at the fees of one year, Zoë & Jürgen signing.",
    ];
    let mut versions = Vec::new();
    for (index, modified) in dates.into_iter().enumerate() {
        if index > 0 {
            clauses.push(added[index - 1]);
        }
        let title = format!("Master Services Agreement, revision {}", index + 1);
        let mut paragraphs = vec![title.as_str()];
        paragraphs.extend(&clauses);
        versions.push(Version {
            number: index as u32 + 1,
            modified,
            content: Content::stored(samples::docx::document(&paragraphs)),
        });
    }
    versions
}

fn one(modified: Timestamp, bytes: impl Into<bytes::Bytes>) -> Vec<Version> {
    single(modified, Content::stored(bytes))
}

fn single(modified: Timestamp, content: Content) -> Vec<Version> {
    vec![Version {
        number: 1,
        modified,
        content,
    }]
}

fn at(year: i64, month: u32, day: u32, hour: u32, minute: u32) -> Timestamp {
    Timestamp::utc(year, month, day, hour, minute, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{DocFlags, Document};

    fn library() -> Library {
        Library::sample(3 * 1024 * 1024)
    }

    fn doc<'a>(library: &'a Library, path: &str) -> &'a Document {
        library.document_by_path(path).unwrap()
    }

    #[test]
    fn every_sample_path_names_a_document() {
        let library = library();
        let paths = [
            REPORT_PDF,
            LEDGER_CSV,
            CONTRACT_DOCX,
            BOARD_MINUTES_PDF,
            CATALOG_XML,
            LARGE_FILE,
            README_TXT,
            LOGO_PNG,
            PHOTO_JPG,
            NOTES_TXT,
            ARCHIVED_PDF,
            INTRANET_LINK,
        ];
        for path in paths {
            assert_eq!(doc(&library, path).path(), path);
        }
        assert_eq!(library.documents().len(), paths.len());
    }

    #[test]
    fn two_builds_give_the_same_ids_and_bytes() {
        let (a, b) = (library(), library());
        for (x, y) in a.documents().iter().zip(b.documents()) {
            assert_eq!((x.id, x.path()), (y.id, y.path()));
            assert_eq!(
                x.latest().content.content_hash(),
                y.latest().content.content_hash()
            );
        }
    }

    #[test]
    fn ids_are_unique_among_documents_and_among_folders() {
        let library = library();
        let mut ids: Vec<u32> = library.documents().iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), library.documents().len());
        let mut folder_ids: Vec<u32> = library.folders().iter().map(|f| f.id).collect();
        folder_ids.sort_unstable();
        folder_ids.dedup();
        assert_eq!(folder_ids.len(), library.folders().len());
    }

    #[test]
    fn folders_nest_at_least_three_levels_deep() {
        let library = library();
        let deepest = library
            .folders()
            .iter()
            .map(|f| f.path.matches('/').count())
            .max();
        assert!(deepest >= Some(3));
    }

    #[test]
    fn the_contract_has_three_versions_with_different_bytes_and_later_dates() {
        let library = library();
        let versions = &doc(&library, CONTRACT_DOCX).versions;
        assert_eq!(versions.len(), 3);
        for pair in versions.windows(2) {
            assert!(pair[0].modified < pair[1].modified);
            assert_ne!(
                pair[0].content.content_hash(),
                pair[1].content.content_hash()
            );
            assert_eq!(pair[0].number + 1, pair[1].number);
        }
    }

    #[test]
    fn the_large_file_has_the_configured_size_and_is_generated() {
        let library = library();
        let large = doc(&library, LARGE_FILE);
        assert_eq!(large.size(), 3 * 1024 * 1024);
        assert!(large.latest().content.is_generated());
    }

    #[test]
    fn each_vendor_flag_marks_exactly_one_document() {
        let library = library();
        let flagged = |f: fn(&DocFlags) -> bool| -> Vec<String> {
            library
                .documents()
                .iter()
                .filter(|d| f(&d.flags))
                .map(Document::path)
                .collect()
        };
        assert_eq!(flagged(|f| f.job_fails), [BOARD_MINUTES_PDF]);
        assert_eq!(flagged(|f| f.offline), [ARCHIVED_PDF]);
        assert_eq!(flagged(|f| f.url_only), [INTRANET_LINK]);
        assert_eq!(
            doc(&library, INTRANET_LINK).url.as_deref(),
            Some(INTRANET_URL)
        );
    }

    #[test]
    fn mime_types_match_the_file_signatures() {
        let library = library();
        let head = |path: &str| doc(&library, path).latest().content.read(0..4).to_vec();
        assert_eq!(head(REPORT_PDF), b"%PDF");
        assert_eq!(head(CONTRACT_DOCX), b"PK\x03\x04");
        assert_eq!(head(LOGO_PNG), b"\x89PNG");
        assert_eq!(head(PHOTO_JPG)[..2], [0xFF, 0xD8]);
        assert_eq!(doc(&library, LOGO_PNG).mime, PNG);
        assert_eq!(doc(&library, CONTRACT_DOCX).extension(), "docx");
    }

    #[test]
    fn a_utf8_folder_lists_its_utf8_document() {
        let library = library();
        let folder = library.folder_by_path("/Projects/München Büro").unwrap();
        let names: Vec<&str> = library
            .documents_in(folder.id)
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["Notizen von Zoë.txt"]);
    }
}
