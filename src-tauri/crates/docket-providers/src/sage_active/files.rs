//! The `files` query in the shapes Docket runs it, and what its nodes become. Filters are written inline with
//! scalar variables (as on the vendor's page), so no input type name of the server's schema is relied on.

use serde::Deserialize;

use docket_core::{sanitize_file_name, Entry};

use super::location::Place;

/// Metadata of one file, without links (listings and `stat`).
pub const FILE_BY_ID: &str = "query FileById($id: String!) {
  files(where: { id: { eq: $id } }) {
    edges { node { id fileName type mimeType size uploadDate entityType entityId businessDate } }
  }
}";

/// One file with fresh short links, valid 10 minutes from now.
pub const FILE_LINKS_BY_ID: &str = "query FileLinksById($id: String!) {
  files(where: { id: { eq: $id } }) {
    edges { node { id fileName type mimeType size entityType entityId downloadPath previewPath } }
  }
}";

/// The files of one entity, by name.
pub const ENTITY_FILES: &str =
    "query EntityFiles($entityType: String!, $entityId: String!, $first: Int!, $after: String) {
  files(
    where: { entityType: { eq: $entityType }, entityId: { eq: $entityId } }
    order: [{ fileName: ASC }]
    first: $first
    after: $after
  ) {
    edges { node { id fileName type mimeType size uploadDate entityType entityId businessDate } }
    pageInfo { hasNextPage endCursor }
  }
}";

/// The files of one entity type sorted by entity, read only for their entity ids.
pub const ENTITIES_OF_TYPE: &str = "query EntitiesOfType($entityType: String!, $first: Int!, $after: String) {
  files(where: { entityType: { eq: $entityType } }, order: [{ entityId: ASC }], first: $first, after: $after) {
    edges { node { entityId } }
    pageInfo { hasNextPage endCursor }
  }
}";

/// One file of an entity type not yet seen: asked repeatedly, it walks the distinct entity types without reading
/// every file.
pub const NEXT_ENTITY_TYPE: &str = "query NextEntityType($seen: [String!]!) {
  files(where: { entityType: { nin: $seen } }, first: 1) {
    edges { node { entityType } }
  }
}";

/// Every GraphQL document this provider sends, with the operation name it is sent under: what
/// tests/contracts.rs validates against the vendor's schema.
pub fn operations() -> Vec<(&'static str, String)> {
    vec![
        ("FileById", FILE_BY_ID.to_owned()),
        ("FileLinksById", FILE_LINKS_BY_ID.to_owned()),
        ("EntityFiles", ENTITY_FILES.to_owned()),
        ("EntitiesOfType", ENTITIES_OF_TYPE.to_owned()),
        ("NextEntityType", NEXT_ENTITY_TYPE.to_owned()),
    ]
}

#[derive(Debug, Deserialize)]
pub struct FilesData {
    pub files: Option<Connection>,
}

impl FilesData {
    /// The connection; a `null` one is an empty answer.
    pub fn into_connection(self) -> Connection {
        self.files.unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    #[serde(default)]
    pub edges: Option<Vec<Edge>>,
    #[serde(default)]
    pub page_info: Option<PageInfo>,
}

impl Connection {
    pub fn into_nodes(self) -> Vec<FileNode> {
        self.edges
            .unwrap_or_default()
            .into_iter()
            .filter_map(|edge| edge.node)
            .collect()
    }

    /// The cursor to continue from, when the server says there is more.
    pub fn next_cursor(&self) -> Option<String> {
        let info = self.page_info.as_ref()?;
        if info.has_next_page {
            info.end_cursor.clone().filter(|c| !c.is_empty())
        } else {
            None
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Edge {
    pub node: Option<FileNode>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    #[serde(default)]
    pub has_next_page: bool,
    #[serde(default)]
    pub end_cursor: Option<String>,
}

/// An `EntityFile`; every field is optional because each query asks for a different subset.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileNode {
    pub id: Option<String>,
    pub file_name: Option<String>,
    #[serde(rename = "type")]
    pub extension: Option<String>,
    pub mime_type: Option<String>,
    pub size: Option<u64>,
    pub upload_date: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub business_date: Option<String>,
    pub download_path: Option<String>,
    pub preview_path: Option<String>,
}

impl FileNode {
    /// The name to show and save under: the server's, sanitised, else the id.
    pub fn safe_name(&self) -> String {
        let raw = self
            .file_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .or(self.id.as_deref())
            .unwrap_or_default();
        sanitize_file_name(raw)
    }

    /// The document entry of this file; `None` for a node without an id.
    pub fn into_entry(self) -> Option<Entry> {
        let id = self.id.clone().filter(|id| !id.is_empty())?;
        let mut entry = Entry::document(id, self.safe_name());
        entry.size = self.size;
        entry.mime = self.mime_type.clone().filter(|m| !m.is_empty());
        entry.modified = self.upload_date.clone().or(self.business_date.clone());
        entry.parent = match (&self.entity_type, &self.entity_id) {
            (Some(t), Some(e)) => Some(Place::entity_location(t, e)),
            _ => None,
        };
        entry.extra = serde_json::json!({
            "entityType": self.entity_type,
            "entityId": self.entity_id,
            "businessDate": self.business_date,
            "type": self.extension,
        });
        Some(entry)
    }

    /// Whether the server can render an HTML preview of this file (CSV, XML and text), by extension.
    pub fn has_html_preview(&self) -> bool {
        let extension = self
            .extension
            .clone()
            .or_else(|| {
                self.file_name
                    .as_deref()
                    .and_then(|n| n.rsplit_once('.'))
                    .map(|(_, ext)| ext.to_owned())
            })
            .unwrap_or_default();
        matches!(
            extension
                .trim_start_matches('.')
                .to_ascii_lowercase()
                .as_str(),
            "csv" | "xml" | "txt"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> FileNode {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_listed_file_becomes_a_document_under_its_entity() {
        let entry = node(
            r#"{"id":"98f7adc7dd104cd984f9c113ef9a8e54.pdf","fileName":"invoice-q1.pdf","type":"pdf",
                "mimeType":"application/pdf","size":2497741,"uploadDate":"2024-04-02T08:15:00Z",
                "entityType":"Customer","entityId":"c-17","businessDate":"2024-03-31"}"#,
        )
        .into_entry()
        .unwrap();
        assert_eq!(entry.id, "98f7adc7dd104cd984f9c113ef9a8e54.pdf");
        assert_eq!(entry.name, "invoice-q1.pdf");
        assert_eq!(entry.size, Some(2_497_741));
        assert_eq!(entry.modified.as_deref(), Some("2024-04-02T08:15:00Z"));
        assert_eq!(entry.parent.as_deref(), Some("Customer/c-17"));
        assert_eq!(entry.extra["businessDate"], "2024-03-31");
    }

    #[test]
    fn a_hostile_file_name_is_sanitised() {
        let entry = node(r#"{"id":"a.pdf","fileName":"../../etc/passwd"}"#)
            .into_entry()
            .unwrap();
        assert_eq!(entry.name, "_.._etc_passwd");
    }

    #[test]
    fn a_node_without_a_name_is_named_by_its_id_and_one_without_an_id_is_skipped() {
        assert_eq!(
            node(r#"{"id":"b.xml"}"#).into_entry().unwrap().name,
            "b.xml"
        );
        assert!(node(r#"{"fileName":"x.pdf"}"#).into_entry().is_none());
    }

    #[test]
    fn only_csv_xml_and_text_files_have_an_html_preview() {
        assert!(node(r#"{"type":"CSV"}"#).has_html_preview());
        assert!(node(r#"{"fileName":"notes.txt"}"#).has_html_preview());
        assert!(!node(r#"{"type":"pdf"}"#).has_html_preview());
    }

    #[test]
    fn the_cursor_is_followed_only_while_there_is_a_next_page() {
        let more: Connection = serde_json::from_str(
            r#"{"edges":[],"pageInfo":{"hasNextPage":true,"endCursor":"MQ=="}}"#,
        )
        .unwrap();
        assert_eq!(more.next_cursor().as_deref(), Some("MQ=="));
        let last: Connection = serde_json::from_str(
            r#"{"edges":[],"pageInfo":{"hasNextPage":false,"endCursor":"Mg=="}}"#,
        )
        .unwrap();
        assert_eq!(last.next_cursor(), None);
    }
}
