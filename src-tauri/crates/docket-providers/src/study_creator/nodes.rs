//! The GraphQL documents this provider sends and the Relay shapes it reads back, turned into entries. They are
//! checked against the real server's schema (`contracts/study-creator.graphql`), whose argument names are
//! graphene's spelling of the Django filters (`study_KfId`, not `studyKfId`) and whose connections, edges and nodes
//! may all be null.

use docket_core::{Entry, PageToken, Version};
use serde::Deserialize;

use super::ids::DocumentId;
use crate::graphql::PageInfo;

/// graphene-django refuses a `first` above the server's `RELAY_CONNECTION_MAX_LIMIT` (250 here).
pub const MAX_PAGE: u32 = 250;

pub const STUDIES: &str = "query Studies($first: Int!, $after: String) {
  allStudies(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { kfId name shortName createdAt } }
  }
}";

const FILE_FIELDS: &str = "fragment FileFields on FileNode {
  kfId name description
  study { kfId }
  versions(first: 1, orderBy: \"-created_at\") { edges { node { kfId fileName size createdAt } } }
}";

pub fn study_files() -> String {
    format!(
        "query StudyFiles($study: String!, $first: Int!, $after: String) {{
  studyByKfId(kfId: $study) {{ kfId }}
  allFiles(study_KfId: $study, first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ ...FileFields }} }}
  }}
}}
{FILE_FIELDS}"
    )
}

pub fn file() -> String {
    format!(
        "query File($file: String!) {{
  fileByKfId(kfId: $file) {{ ...FileFields }}
}}
{FILE_FIELDS}"
    )
}

pub const VERSIONS: &str = "query Versions($file: String!, $first: Int!, $after: String) {
  allVersions(fileKfId: $file, first: $first, after: $after, orderBy: \"-created_at\") {
    pageInfo { hasNextPage endCursor }
    edges { node { kfId fileName size createdAt description } }
  }
}";

/// Every GraphQL document this provider sends, with the operation name it is sent under, the ones built at run time
/// included: what tests/contracts.rs validates against the vendor's schema.
pub fn operations() -> Vec<(&'static str, String)> {
    vec![
        ("Studies", STUDIES.to_owned()),
        ("StudyFiles", study_files()),
        ("File", file()),
        ("Versions", VERSIONS.to_owned()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection<N> {
    pub page_info: PageInfo,
    pub edges: Vec<Option<Edge<N>>>,
}

/// A nested connection read only for its edges (a file's latest version).
#[derive(Debug, Deserialize)]
pub struct Edges<N> {
    pub edges: Vec<Option<Edge<N>>>,
}

#[derive(Debug, Deserialize)]
pub struct Edge<N> {
    pub node: Option<N>,
}

impl<N> Connection<N> {
    /// The cursor to continue from, when the server says there is more.
    pub fn next(&self) -> Option<PageToken> {
        if self.page_info.has_next_page {
            self.page_info.end_cursor.clone().map(PageToken)
        } else {
            None
        }
    }

    /// The nodes, skipping null edges and nodes.
    pub fn nodes(self) -> impl Iterator<Item = N> {
        self.edges.into_iter().flatten().filter_map(|e| e.node)
    }
}

/// A root connection the server answered with null: an empty page.
fn empty<N>() -> Connection<N> {
    Connection {
        page_info: PageInfo {
            has_next_page: false,
            end_cursor: None,
        },
        edges: Vec::new(),
    }
}

fn or_empty<'de, D: serde::Deserializer<'de>, N: Deserialize<'de>>(
    de: D,
) -> Result<Connection<N>, D::Error> {
    Ok(Option::<Connection<N>>::deserialize(de)?.unwrap_or_else(empty))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StudiesData {
    #[serde(deserialize_with = "or_empty")]
    pub all_studies: Connection<StudyNode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyNode {
    pub kf_id: String,
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub created_at: Option<String>,
}

impl StudyNode {
    pub fn into_entry(self) -> Entry {
        let name = self
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| self.short_name.clone())
            .unwrap_or_else(|| self.kf_id.clone());
        let mut entry = Entry::folder(self.kf_id, name);
        entry.modified = self.created_at;
        if let Some(short) = self.short_name {
            entry.extra = serde_json::json!({ "shortName": short });
        }
        entry
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyFilesData {
    pub study_by_kf_id: Option<StudyRef>,
    #[serde(deserialize_with = "or_empty")]
    pub all_files: Connection<FileNode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileData {
    pub file_by_kf_id: Option<FileNode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyRef {
    pub kf_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileNode {
    pub kf_id: String,
    pub name: String,
    pub description: Option<String>,
    pub study: Option<StudyRef>,
    /// Null in the schema's terms when the server has no versions to page through.
    pub versions: Option<Edges<VersionNode>>,
}

impl FileNode {
    pub fn study_id(&self) -> Option<&str> {
        self.study.as_ref().map(|s| s.kf_id.as_str())
    }

    /// A document entry; its id carries the study because the download routes need it.
    pub fn into_entry(self, study: &str) -> Entry {
        let mut entry = Entry::document(DocumentId::with_study(study, &self.kf_id), self.name);
        entry.parent = Some(study.to_owned());
        let mut extra = serde_json::Map::new();
        if let Some(description) = self.description.filter(|d| !d.is_empty()) {
            extra.insert("description".into(), description.into());
        }
        let latest = self
            .versions
            .into_iter()
            .flat_map(|versions| versions.edges)
            .flatten()
            .find_map(|edge| edge.node);
        if let Some(latest) = latest {
            entry.size = latest.size;
            entry.modified = latest.created_at;
            entry.version = Some(latest.kf_id);
            if let Some(file_name) = latest.file_name {
                extra.insert("fileName".into(), file_name.into());
            }
        }
        if !extra.is_empty() {
            entry.extra = serde_json::Value::Object(extra);
        }
        entry
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionsData {
    #[serde(deserialize_with = "or_empty")]
    pub all_versions: Connection<VersionNode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionNode {
    pub kf_id: String,
    pub file_name: Option<String>,
    /// graphene sends the database size; `BigInt` may come as a number or a string.
    #[serde(default, deserialize_with = "size")]
    pub size: Option<u64>,
    pub created_at: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl VersionNode {
    pub fn into_version(self) -> Version {
        let label = match (&self.file_name, self.description.as_deref()) {
            (Some(name), Some(desc)) if !desc.is_empty() => format!("{name}: {desc}"),
            (Some(name), _) => name.clone(),
            (None, _) => self.kf_id.clone(),
        };
        Version {
            id: self.kf_id,
            label,
            size: self.size,
            modified: self.created_at,
            checksum: None,
        }
    }
}

fn size<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Number(u64),
        Text(String),
    }
    Ok(match Option::<Size>::deserialize(de)? {
        Some(Size::Number(n)) => Some(n),
        Some(Size::Text(t)) => t.trim().parse().ok(),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_entry_takes_size_date_and_version_from_its_latest_version() {
        let node: FileNode = serde_json::from_value(serde_json::json!({
            "kfId": "SF_C9BCXNC8", "name": "manifest.csv", "description": "",
            "study": { "kfId": "SD_ME0WME0W" },
            "versions": { "edges": [{ "node": { "kfId": "FV_TMMKQH14", "fileName": "manifest.csv", "size": "1234",
                    "createdAt": "2024-06-15T09:30:00+00:00" } }] }
        }))
        .unwrap();
        let entry = node.into_entry("SD_ME0WME0W");
        assert_eq!(entry.id, "SD_ME0WME0W/SF_C9BCXNC8");
        assert_eq!(entry.size, Some(1234));
        assert_eq!(entry.version.as_deref(), Some("FV_TMMKQH14"));
        assert_eq!(entry.modified.as_deref(), Some("2024-06-15T09:30:00+00:00"));
        assert_eq!(entry.parent.as_deref(), Some("SD_ME0WME0W"));
    }

    #[test]
    fn null_connections_edges_and_nodes_are_read_as_absent() {
        let data: StudyFilesData = serde_json::from_value(serde_json::json!({
            "studyByKfId": { "kfId": "SD_ME0WME0W" }, "allFiles": null
        }))
        .unwrap();
        assert_eq!(data.all_files.next(), None);
        assert_eq!(data.all_files.nodes().count(), 0);
        let studies: StudiesData = serde_json::from_value(serde_json::json!({ "allStudies": {
            "pageInfo": { "hasNextPage": false, "endCursor": null },
            "edges": [null, { "node": null }, { "node": { "kfId": "SD_ME0WME0W" } }]
        } }))
        .unwrap();
        let ids: Vec<String> = studies.all_studies.nodes().map(|s| s.kf_id).collect();
        assert_eq!(ids, ["SD_ME0WME0W"]);
        let file: FileNode = serde_json::from_value(serde_json::json!({
            "kfId": "SF_C9BCXNC8", "name": "manifest.csv", "study": null, "versions": null
        }))
        .unwrap();
        assert_eq!(file.into_entry("SD_ME0WME0W").version, None);
    }

    #[test]
    fn a_connection_continues_only_while_the_server_says_there_is_more() {
        let more: Connection<StudyRef> = serde_json::from_value(serde_json::json!({
            "pageInfo": { "hasNextPage": true, "endCursor": "YXJyYXljb25uZWN0aW9uOjQ=" }, "edges": []
        }))
        .unwrap();
        assert_eq!(
            more.next(),
            Some(PageToken("YXJyYXljb25uZWN0aW9uOjQ=".into()))
        );
        let last: Connection<StudyRef> = serde_json::from_value(serde_json::json!({
            "pageInfo": { "hasNextPage": false, "endCursor": "YXJyYXljb25uZWN0aW9uOjk=" }, "edges": []
        }))
        .unwrap();
        assert_eq!(last.next(), None);
    }
}
