//! The operations Docket sends and the shapes of their answers. `contracts/ansarada.graphql` holds the vendor's
//! schema they are checked against: only fields the vendor documents are selected (so no file size, which no vendor
//! page shows), and everything the schema allows to be null is read as optional.

use serde::Deserialize;

use crate::graphql::PageInfo;

pub const INDEX_ITEMS: &str = r#"
query DataRoomDocumentIndexItems($folderIds: [ID!], $first: Int, $after: String) {
  dataRoomDocumentIndex {
    id
    items(folderIds: $folderIds, first: $first, after: $after) {
      edges {
        cursor
        node {
          __typename
          ... on DataRoomDocument {
            id
            status
            name
            number
            createdDate
            lastModifiedDate
            parentId
            file { extension }
          }
          ... on DataRoomFolder {
            id
            name
            number
            parentId
            hasChildren
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"#;

pub const INITIATE_DOWNLOAD: &str = r#"
mutation InitiateDataRoomDocumentDownload($documentId: ID!) {
  initiateDataRoomDocumentDownload(input: { documentId: $documentId }) {
    download {
      id
      status
      createdAt
      updatedAt
      expiresAt
      failureReason
    }
  }
}
"#;

pub const DOWNLOAD_STATUS: &str = r#"
query GetDownloadStatus($id: ID!) {
  dataRoomDocumentDownload(id: $id) {
    id
    status
    downloadPresignedUrl
    expiresAt
    failureReason
    document {
      id
      name
      file { extension }
    }
  }
}
"#;

/// Every GraphQL document this provider sends, with the operation name it is sent under: what
/// tests/contracts.rs validates against the vendor's schema.
pub fn operations() -> Vec<(&'static str, String)> {
    vec![
        ("DataRoomDocumentIndexItems", INDEX_ITEMS.to_owned()),
        (
            "InitiateDataRoomDocumentDownload",
            INITIATE_DOWNLOAD.to_owned(),
        ),
        ("GetDownloadStatus", DOWNLOAD_STATUS.to_owned()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexData {
    pub data_room_document_index: Option<DocumentIndex>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentIndex {
    /// Null when the server has no items to page through.
    pub items: Option<ItemsConnection>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemsConnection {
    /// The list and each edge may be null in the vendor's schema.
    #[serde(default)]
    pub edges: Option<Vec<Option<ItemEdge>>>,
    pub page_info: PageInfo,
}

#[derive(Debug, Deserialize)]
pub struct ItemEdge {
    /// Absent when the server returned null for an item it could not resolve.
    pub node: Option<IndexItem>,
}

/// One index item, told apart by `__typename`.
#[derive(Debug, Deserialize)]
#[serde(tag = "__typename")]
pub enum IndexItem {
    DataRoomDocument(IndexDocument),
    DataRoomFolder(IndexFolder),
    /// A type added to the index after this client was written; skipped.
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexDocument {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    pub name: String,
    #[serde(default)]
    pub number: Option<String>,
    /// Null for the Guest and Limited Viewer roles.
    #[serde(default)]
    pub created_date: Option<String>,
    #[serde(default)]
    pub last_modified_date: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub file: Option<DocumentFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexFolder {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub has_children: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentFile {
    #[serde(default)]
    pub extension: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateData {
    pub initiate_data_room_document_download: Option<InitiatePayload>,
}

#[derive(Debug, Deserialize)]
pub struct InitiatePayload {
    pub download: Option<Download>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusData {
    pub data_room_document_download: Option<Download>,
}

/// A download request as `initiateDataRoomDocumentDownload` and `dataRoomDocumentDownload` return it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Download {
    pub id: String,
    pub status: TransferStatus,
    #[serde(default)]
    pub download_presigned_url: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub document: Option<DownloadDocument>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DownloadDocument {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub file: Option<DocumentFile>,
}

/// `DocumentTransferStatus`: the vendor's reference lists INITIATED and EXPIRED, its download page PENDING.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransferStatus {
    Initiated,
    Pending,
    Processing,
    Completed,
    Failed,
    /// The request outlived its session before the file was ready.
    Expired,
    /// A state added after this client was written: treated as still working.
    #[serde(untagged)]
    Unknown(String),
}

impl TransferStatus {
    /// The server's own word for the state, as the observer shows it.
    pub fn word(&self) -> &str {
        match self {
            TransferStatus::Initiated => "INITIATED",
            TransferStatus::Pending => "PENDING",
            TransferStatus::Processing => "PROCESSING",
            TransferStatus::Completed => "COMPLETED",
            TransferStatus::Failed => "FAILED",
            TransferStatus::Expired => "EXPIRED",
            TransferStatus::Unknown(word) => word,
        }
    }
}

/// The file name a document is saved under: its name, with the file's extension added when the name lacks it.
pub fn file_name(name: &str, extension: Option<&str>) -> String {
    let extension = extension.map(|e| e.trim_start_matches('.')).unwrap_or("");
    let has_it = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case(extension));
    if extension.is_empty() || has_it {
        name.to_owned()
    } else {
        format!("{name}.{extension}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_is_added_only_when_the_name_lacks_it() {
        assert_eq!(file_name("Q1 Report", Some("pdf")), "Q1 Report.pdf");
        assert_eq!(file_name("Q1 Report.PDF", Some("pdf")), "Q1 Report.PDF");
        assert_eq!(file_name("notes", None), "notes");
        assert_eq!(file_name("v1.2 plan", Some(".docx")), "v1.2 plan.docx");
    }

    #[test]
    fn index_items_are_told_apart_by_typename() {
        let json = r#"[
            {"__typename":"DataRoomFolder","id":"F","name":"Finance","number":"1","parentId":null,"hasChildren":true},
            {"__typename":"DataRoomDocument","id":"D","status":"ACTIVE","name":"Plan","number":"1.1",
             "createdDate":null,"lastModifiedDate":"2024-06-15T09:30:00Z","parentId":"F","file":{"extension":"pdf"}},
            {"__typename":"DataRoomLink","id":"L"}
        ]"#;
        let items: Vec<IndexItem> = serde_json::from_str(json).unwrap();
        assert!(matches!(&items[0], IndexItem::DataRoomFolder(f) if f.has_children == Some(true)));
        assert!(matches!(&items[1], IndexItem::DataRoomDocument(d) if d.created_date.is_none()));
        assert!(matches!(items[2], IndexItem::Other));
    }

    #[test]
    fn an_unknown_transfer_status_is_kept_as_the_servers_word() {
        let status: TransferStatus = serde_json::from_str("\"QUEUED\"").unwrap();
        assert_eq!(status.word(), "QUEUED");
        let status: TransferStatus = serde_json::from_str("\"PROCESSING\"").unwrap();
        assert_eq!(status, TransferStatus::Processing);
        let status: TransferStatus = serde_json::from_str("\"INITIATED\"").unwrap();
        assert_eq!(status, TransferStatus::Initiated);
    }
}
