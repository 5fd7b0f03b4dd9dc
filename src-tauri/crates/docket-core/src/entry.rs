//! What browsing returns: entries (folders and documents), versions, and pages of them.

use serde::{Deserialize, Serialize};

/// A folder-like container (folder, collection, study, entity) or a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Folder,
    Document,
}

/// One item of a listing. `id` is what the API uses and what `docket get`/`docket ls` take back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub kind: EntryKind,
    pub size: Option<u64>,
    pub mime: Option<String>,
    /// RFC 3339 where the server gives a time, else the date as the server wrote it.
    pub modified: Option<String>,
    pub version: Option<String>,
    /// The containing folder's id, where the API says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Server fields worth keeping that have no column of their own.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub extra: serde_json::Value,
}

impl Entry {
    pub fn folder(id: impl Into<String>, name: impl Into<String>) -> Self {
        Entry {
            id: id.into(),
            name: name.into(),
            kind: EntryKind::Folder,
            size: None,
            mime: None,
            modified: None,
            version: None,
            parent: None,
            extra: serde_json::Value::Null,
        }
    }

    pub fn document(id: impl Into<String>, name: impl Into<String>) -> Self {
        Entry {
            kind: EntryKind::Document,
            ..Entry::folder(id, name)
        }
    }
}

/// One stored version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// What `--version` takes: `FV_…` for the study creator, `2000000` for infoRouter.
    pub id: String,
    pub label: String,
    pub size: Option<u64>,
    pub modified: Option<String>,
    pub checksum: Option<String>,
}

/// Where to list: `None` is the remote's root. Otherwise a folder id or path, a collection, a study, or an
/// entity filter, as each kind documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location(pub Option<String>);

impl Location {
    pub fn root() -> Self {
        Location(None)
    }

    pub fn at(place: impl Into<String>) -> Self {
        let place = place.into();
        if place.is_empty() {
            Location(None)
        } else {
            Location(Some(place))
        }
    }

    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// A document by the id its API uses, and, when the caller knows it already (a folder's plan took it from the
/// listing), the name it is saved under: a provider that would ask the server only for the name may skip asking.
/// Two references to the same id are equal whatever they know of the name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct DocRef {
    id: String,
    known_name: Option<String>,
}

impl DocRef {
    pub fn new(id: impl Into<String>) -> Self {
        DocRef {
            id: id.into(),
            known_name: None,
        }
    }

    /// The same reference, with the name the file will be saved under whatever the server suggests.
    pub fn with_known_name(mut self, name: impl Into<String>) -> Self {
        self.known_name = Some(name.into());
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn known_name(&self) -> Option<&str> {
        self.known_name.as_deref()
    }
}

impl PartialEq for DocRef {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for DocRef {}

impl std::hash::Hash for DocRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl From<String> for DocRef {
    fn from(id: String) -> Self {
        DocRef::new(id)
    }
}

impl From<DocRef> for String {
    fn from(doc: DocRef) -> Self {
        doc.id
    }
}

/// An opaque continuation token (a Relay cursor, a page number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageToken(pub String);

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<PageToken>,
}
