//! The forms users type: folder paths for locations, a full path or a `~D{id}` short path for documents, and
//! version numbers.

use docket_core::{DocRef, Location, ProviderError};

/// infoRouter stores version N as N × 1,000,000.
pub(super) const VERSION_STEP: u64 = 1_000_000;

/// `/Finance/Reports` for a location; the root is `/`. Backslashes (older servers print paths with them) become
/// slashes, and a trailing slash is dropped.
pub(super) fn folder_path(location: &Location) -> String {
    normalize(location.as_deref().unwrap_or("/"))
}

/// The `Path` parameter for a document: `~D1001` / `~D1001.pdf` as typed (the `~D` upper-cased), a bare number
/// as `~D{number}`, otherwise a full path starting with `/`.
pub(super) fn document_path(doc: &DocRef) -> Result<String, ProviderError> {
    let id = doc.id().trim();
    if id.is_empty() || id == "/" {
        return Err(ProviderError::InvalidRequest {
            message: "an infoRouter document is a full path such as /Finance/Q1-Report.pdf or a short id such as ~D1001"
                .into(),
        });
    }
    if let Some(short) = id.strip_prefix("~D").or_else(|| id.strip_prefix("~d")) {
        let digits = short.split('.').next().unwrap_or_default();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProviderError::InvalidRequest {
                message: format!(
                    "`{id}` is not a short document id: use ~D followed by the document number"
                ),
            });
        }
        return Ok(format!("~D{short}"));
    }
    if id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("~D{id}"));
    }
    Ok(normalize(id))
}

/// `/parent/name`
pub(super) fn join(folder: &str, name: &str) -> String {
    if folder == "/" {
        format!("/{name}")
    } else {
        format!("{folder}/{name}")
    }
}

/// The `VersionNumber` to stage: `None` for the latest (also `0`), `2` and `2000000` both for version 2.
pub(super) fn version_number(version: Option<&str>) -> Result<Option<u64>, ProviderError> {
    let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let number: u64 = version.parse().map_err(|_| ProviderError::InvalidRequest {
        message: format!("`{version}` is not an infoRouter version number (such as 2000000 or 2)"),
    })?;
    Ok(match number {
        0 => None,
        n if n < VERSION_STEP => Some(n * VERSION_STEP),
        n => Some(n),
    })
}

fn normalize(path: &str) -> String {
    let segments: Vec<&str> = path
        .split(['/', '\\'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_folder_paths_with_the_root_as_a_slash() {
        assert_eq!(folder_path(&Location::root()), "/");
        assert_eq!(
            folder_path(&Location::at("Finance/Reports/")),
            "/Finance/Reports"
        );
        assert_eq!(
            folder_path(&Location::at("\\Corporate\\Legal")),
            "/Corporate/Legal"
        );
    }

    #[test]
    fn documents_are_full_paths_or_short_ids() {
        let path = |id: &str| document_path(&DocRef::new(id));
        assert_eq!(path("/Finance/Q1.pdf").unwrap(), "/Finance/Q1.pdf");
        assert_eq!(path("Finance/Q1.pdf").unwrap(), "/Finance/Q1.pdf");
        assert_eq!(path("~D1001").unwrap(), "~D1001");
        assert_eq!(path("~d1001.pdf").unwrap(), "~D1001.pdf");
        assert_eq!(path("1001").unwrap(), "~D1001");
        assert!(matches!(
            path("~Dabc"),
            Err(ProviderError::InvalidRequest { .. })
        ));
        assert!(matches!(
            path(" "),
            Err(ProviderError::InvalidRequest { .. })
        ));
    }

    #[test]
    fn versions_accept_the_stored_and_the_short_form() {
        assert_eq!(version_number(None).unwrap(), None);
        assert_eq!(version_number(Some("0")).unwrap(), None);
        assert_eq!(version_number(Some("2")).unwrap(), Some(2_000_000));
        assert_eq!(version_number(Some("3000000")).unwrap(), Some(3_000_000));
        assert!(matches!(
            version_number(Some("v2")),
            Err(ProviderError::InvalidRequest { .. })
        ));
    }
}
