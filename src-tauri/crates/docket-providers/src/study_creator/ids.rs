//! The kf_id forms users type: studies `SD_XXXXXXXX`, files `SF_XXXXXXXX`, versions `FV_XXXXXXXX`, and a
//! document `SD_…/SF_…` (the download routes need both).

use std::fmt;

use docket_core::ProviderError;

/// Length of the part after the prefix (`SD_ME0WME0W`).
const ID_CHARS: usize = 8;

/// `SD_`, `SF_` or `FV_` followed by eight upper-case letters or digits; lower case is accepted and raised.
fn kf_id(prefix: &str, what: &str, raw: &str) -> Result<String, ProviderError> {
    let id = raw.trim().to_ascii_uppercase();
    let body = id.strip_prefix(prefix).unwrap_or_default();
    if body.len() == ID_CHARS && body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(id)
    } else {
        Err(ProviderError::InvalidRequest {
            message: format!("`{raw}` is not a {what} id: they look like `{prefix}ME0WME0W`"),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyId(pub String);

impl StudyId {
    pub fn parse(raw: &str) -> Result<Self, ProviderError> {
        kf_id("SD_", "study", raw.trim_matches('/')).map(StudyId)
    }
}

impl fmt::Display for StudyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A file, with its study when the user gave it (`SD_…/SF_…`); a bare `SF_…` is resolved through GraphQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentId {
    pub study: Option<StudyId>,
    pub file: String,
}

impl DocumentId {
    pub fn parse(raw: &str) -> Result<Self, ProviderError> {
        let trimmed = raw.trim().trim_matches('/');
        match trimmed.split_once('/') {
            Some((study, file)) => Ok(DocumentId {
                study: Some(StudyId::parse(study).map_err(|_| document_form(raw))?),
                file: kf_id("SF_", "file", file).map_err(|_| document_form(raw))?,
            }),
            None => Ok(DocumentId {
                study: None,
                file: kf_id("SF_", "file", trimmed).map_err(|_| document_form(raw))?,
            }),
        }
    }

    /// The id listings hand out and `docket get` takes back.
    pub fn with_study(study: &str, file: &str) -> String {
        format!("{study}/{file}")
    }
}

fn document_form(raw: &str) -> ProviderError {
    ProviderError::InvalidRequest {
        message: format!(
            "`{raw}` is not a study creator document: use `SD_XXXXXXXX/SF_XXXXXXXX` (study / file)"
        ),
    }
}

pub fn version_id(raw: &str) -> Result<String, ProviderError> {
    kf_id("FV_", "version", raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_names_its_study_and_file() {
        let doc = DocumentId::parse("SD_ME0WME0W/SF_C9BCXNC8").unwrap();
        assert_eq!(doc.study, Some(StudyId("SD_ME0WME0W".into())));
        assert_eq!(doc.file, "SF_C9BCXNC8");
    }

    #[test]
    fn lower_case_and_surrounding_slashes_are_forgiven() {
        let doc = DocumentId::parse(" /sd_me0wme0w/sf_c9bcxnc8/ ").unwrap();
        assert_eq!(
            DocumentId::with_study(&doc.study.unwrap().0, &doc.file),
            "SD_ME0WME0W/SF_C9BCXNC8"
        );
    }

    #[test]
    fn a_bare_file_id_is_accepted_without_its_study() {
        let doc = DocumentId::parse("SF_C9BCXNC8").unwrap();
        assert_eq!(doc.study, None);
    }

    #[test]
    fn ids_of_the_wrong_shape_are_refused_with_the_expected_form() {
        for bad in [
            "SD_ME0WME0W",
            "SF_SHORT",
            "SD_ME0WME0W/FV_TMMKQH14",
            "SD_ME0W-E0W/SF_C9BCXNC8",
            "",
        ] {
            let err = DocumentId::parse(bad).unwrap_err();
            assert!(
                err.message().contains("SD_XXXXXXXX/SF_XXXXXXXX"),
                "{bad}: {err}"
            );
        }
        assert!(StudyId::parse("SF_C9BCXNC8").is_err());
        assert_eq!(version_id("fv_tmmkqh14").unwrap(), "FV_TMMKQH14");
        assert!(version_id("1000000").is_err());
    }
}
