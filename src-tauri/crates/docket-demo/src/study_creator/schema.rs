//! The GraphQL API (graphene-django's shape): Relay connections with `first` capped at 250, no `totalCount`,
//! `arrayconnection:N` cursors, `Not allowed` for anonymous callers, errors with HTTP 200.

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, Error, Object, Result, Schema, SimpleObject, ID};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::auth::Caller;
use super::catalog::{File, FileVersion, Study};
use super::routes;
use super::App;

pub type StudyCreatorSchema = Schema<Query, Mutation, EmptySubscription>;

/// graphene-django's `RELAY_CONNECTION_MAX_LIMIT` on this server.
pub const MAX_FIRST: i32 = 250;

pub fn schema() -> StudyCreatorSchema {
    Schema::build(Query, Mutation, EmptySubscription).finish()
}

/// The `Host` the request named: `downloadUrl` is always `https://<Host>/...`, as the real server writes it.
pub struct Host(pub String);

const NOT_ALLOWED: &str = "Not allowed";

fn app<'a>(ctx: &'a Context<'_>) -> Result<&'a Arc<App>> {
    ctx.data::<Arc<App>>()
}

fn caller<'a>(ctx: &'a Context<'_>) -> Result<&'a Caller> {
    ctx.data::<Caller>()
}

fn download_url(ctx: &Context<'_>, path: &str) -> String {
    let host = ctx
        .data::<Host>()
        .map(|h| h.0.as_str())
        .unwrap_or("localhost");
    format!("https://{host}{path}")
}

fn global_id(kind: &str, kf_id: &str) -> ID {
    ID(STANDARD.encode(format!("{kind}:{kf_id}")))
}

#[derive(SimpleObject)]
#[graphql(name = "PageInfo")]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

/// One page before it becomes a concrete `…Connection` type (async-graphql types cannot nest generics).
pub struct Page<N> {
    page_info: PageInfo,
    edges: Vec<(N, String)>,
}

macro_rules! connection_type {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(SimpleObject)]
        pub struct $edge {
            node: $node,
            cursor: String,
        }

        #[derive(SimpleObject)]
        pub struct $connection {
            page_info: PageInfo,
            edges: Vec<$edge>,
        }

        impl From<Page<$node>> for $connection {
            fn from(page: Page<$node>) -> Self {
                $connection {
                    page_info: page.page_info,
                    edges: page
                        .edges
                        .into_iter()
                        .map(|(node, cursor)| $edge { node, cursor })
                        .collect(),
                }
            }
        }
    };
}

connection_type!(StudyNodeConnection, StudyNodeEdge, StudyNode);
connection_type!(FileNodeConnection, FileNodeEdge, FileNode);
connection_type!(VersionNodeConnection, VersionNodeEdge, VersionNode);

fn cursor(offset: usize) -> String {
    STANDARD.encode(format!("arrayconnection:{offset}"))
}

/// graphql-relay ignores a cursor it cannot read and starts from the beginning.
fn offset_after(after: Option<&str>) -> usize {
    after
        .and_then(|c| STANDARD.decode(c).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| {
            s.strip_prefix("arrayconnection:")
                .and_then(|n| n.parse::<usize>().ok())
        })
        .map_or(0, |n| n + 1)
}

fn connection<N>(
    items: Vec<N>,
    first: Option<i32>,
    after: Option<&str>,
    field: &str,
) -> Result<Page<N>> {
    let first = match first {
        None => MAX_FIRST,
        Some(n) if n > MAX_FIRST => {
            return Err(Error::new(format!(
                "Requesting {n} records on the `{field}` connection exceeds the `first` limit of {MAX_FIRST} records."
            )))
        }
        Some(n) if n < 0 => return Err(Error::new("Argument \"first\" must be a non-negative integer")),
        Some(n) => n,
    } as usize;
    let start = offset_after(after).min(items.len());
    let end = (start + first).min(items.len());
    let total = items.len();
    let edges: Vec<(N, String)> = items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(end - start)
        .map(|(i, node)| (node, cursor(i)))
        .collect();
    Ok(Page {
        page_info: PageInfo {
            has_next_page: end < total,
            has_previous_page: start > 0,
            start_cursor: edges.first().map(|e| e.1.clone()),
            end_cursor: edges.last().map(|e| e.1.clone()),
        },
        edges,
    })
}

/// graphene's `orderBy: "created_at"` / `"-created_at"` on versions; the default is database order.
fn ordered(mut versions: Vec<VersionNode>, order_by: Option<&str>, app: &App) -> Vec<VersionNode> {
    match order_by.map(str::trim) {
        Some("-created_at") => versions.sort_by_key(|v| std::cmp::Reverse(v.row(app).created_at)),
        Some("created_at") => versions.sort_by_key(|v| v.row(app).created_at),
        _ => {}
    }
    versions
}

pub struct StudyNode(usize);

impl StudyNode {
    fn study<'a>(&self, ctx: &'a Context<'_>) -> Result<&'a Study> {
        Ok(&app(ctx)?.catalog.studies[self.0])
    }
}

#[Object]
impl StudyNode {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(global_id("StudyNode", &self.study(ctx)?.kf_id))
    }

    async fn kf_id(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.study(ctx)?.kf_id.clone())
    }

    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.study(ctx)?.name.clone())
    }

    async fn short_name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.study(ctx)?.short_name.clone())
    }

    async fn created_at(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.study(ctx)?.created_at.rfc3339())
    }
}

pub struct FileNode(usize);

impl FileNode {
    fn file<'a>(&self, ctx: &'a Context<'_>) -> Result<&'a File> {
        Ok(&app(ctx)?.catalog.files[self.0])
    }
}

#[Object]
impl FileNode {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(global_id("FileNode", &self.file(ctx)?.kf_id))
    }

    async fn kf_id(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.file(ctx)?.kf_id.clone())
    }

    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.file(ctx)?.name.clone())
    }

    async fn description(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.file(ctx)?.description.clone())
    }

    async fn file_type(&self) -> &'static str {
        "OTH"
    }

    async fn study(&self, ctx: &Context<'_>) -> Result<StudyNode> {
        Ok(StudyNode(self.file(ctx)?.study))
    }

    async fn download_url(&self, ctx: &Context<'_>) -> Result<String> {
        let file = self.file(ctx)?;
        Ok(download_url(
            ctx,
            &file.path(&app(ctx)?.catalog.studies[file.study]),
        ))
    }

    async fn versions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<String>,
    ) -> Result<VersionNodeConnection> {
        let file = self.0;
        let count = self.file(ctx)?.versions.len();
        let nodes = (0..count)
            .map(|v| VersionNode { file, version: v })
            .collect();
        let nodes = ordered(nodes, order_by.as_deref(), app(ctx)?);
        connection(nodes, first, after.as_deref(), "versions").map(Into::into)
    }
}

pub struct VersionNode {
    file: usize,
    version: usize,
}

impl VersionNode {
    fn row<'a>(&self, app: &'a App) -> &'a FileVersion {
        &app.catalog.files[self.file].versions[self.version]
    }
}

#[Object]
impl VersionNode {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(global_id("VersionNode", &self.row(app(ctx)?).kf_id))
    }

    async fn kf_id(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(app(ctx)?).kf_id.clone())
    }

    async fn file_name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(app(ctx)?).file_name.clone())
    }

    /// The database's size, wrong where the catalog says so.
    async fn size(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(i64::try_from(self.row(app(ctx)?).db_size).unwrap_or(i64::MAX))
    }

    async fn created_at(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(app(ctx)?).created_at.rfc3339())
    }

    async fn description(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(format!("Revision {}", self.row(app(ctx)?).number))
    }

    async fn state(&self) -> &'static str {
        "APP"
    }

    async fn root_file(&self) -> FileNode {
        FileNode(self.file)
    }

    async fn download_url(&self, ctx: &Context<'_>) -> Result<String> {
        let app = app(ctx)?;
        let file = &app.catalog.files[self.file];
        Ok(download_url(
            ctx,
            &file.version_path(&app.catalog.studies[file.study], self.version),
        ))
    }
}

pub struct Query;

#[Object]
impl Query {
    async fn all_studies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<StudyNodeConnection> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        let studies = app(ctx)?
            .catalog
            .studies
            .iter()
            .enumerate()
            .filter(|(_, s)| caller.may_see(&s.kf_id))
            .map(|(i, _)| StudyNode(i))
            .collect();
        connection(studies, first, after.as_deref(), "allStudies").map(Into::into)
    }

    async fn study_by_kf_id(&self, ctx: &Context<'_>, kf_id: String) -> Result<Option<StudyNode>> {
        let Some(at) = app(ctx)?.catalog.study(&kf_id) else {
            return Ok(None);
        };
        if caller(ctx)?.may_see(&kf_id) {
            Ok(Some(StudyNode(at)))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }

    async fn all_files(
        &self,
        ctx: &Context<'_>,
        study_kf_id: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<FileNodeConnection> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        let catalog = &app(ctx)?.catalog;
        let files = catalog
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let study = &catalog.studies[f.study].kf_id;
                caller.may_see(study) && study_kf_id.as_ref().is_none_or(|s| s == study)
            })
            .map(|(i, _)| FileNode(i))
            .collect();
        connection(files, first, after.as_deref(), "allFiles").map(Into::into)
    }

    async fn file_by_kf_id(&self, ctx: &Context<'_>, kf_id: String) -> Result<FileNode> {
        let catalog = &app(ctx)?.catalog;
        let at = catalog
            .files
            .iter()
            .position(|f| f.kf_id == kf_id)
            .ok_or_else(|| Error::new("File was not found"))?;
        if caller(ctx)?.may_see(&catalog.studies[catalog.files[at].study].kf_id) {
            Ok(FileNode(at))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }

    async fn all_versions(
        &self,
        ctx: &Context<'_>,
        file_kf_id: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<String>,
    ) -> Result<VersionNodeConnection> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        let app = app(ctx)?;
        let catalog = &app.catalog;
        let versions = catalog
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                caller.may_see(&catalog.studies[f.study].kf_id)
                    && file_kf_id.as_ref().is_none_or(|id| id == &f.kf_id)
            })
            .flat_map(|(i, f)| {
                (0..f.versions.len()).map(move |v| VersionNode {
                    file: i,
                    version: v,
                })
            })
            .collect();
        connection(
            ordered(versions, order_by.as_deref(), app),
            first,
            after.as_deref(),
            "allVersions",
        )
        .map(Into::into)
    }

    async fn version_by_kf_id(&self, ctx: &Context<'_>, kf_id: String) -> Result<VersionNode> {
        let app = app(ctx)?;
        let catalog = &app.catalog;
        let (file, version) = catalog
            .files
            .iter()
            .enumerate()
            .find_map(|(i, f)| {
                f.versions
                    .iter()
                    .position(|v| v.kf_id == kf_id)
                    .map(|v| (i, v))
            })
            .ok_or_else(|| Error::new("Version was not found"))?;
        if caller(ctx)?.may_see(&catalog.studies[catalog.files[file].study].kf_id) {
            Ok(VersionNode { file, version })
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }
}

#[derive(SimpleObject)]
pub struct SignedUrlMutation {
    url: String,
    file: FileNode,
}

pub struct Mutation;

#[Object]
impl Mutation {
    async fn signed_url(
        &self,
        ctx: &Context<'_>,
        study_id: String,
        file_id: String,
        version_id: Option<String>,
    ) -> Result<SignedUrlMutation> {
        let app = app(ctx)?;
        let url = routes::mint(
            app,
            caller(ctx)?,
            &study_id,
            &file_id,
            version_id.as_deref(),
        )
        .map_err(Error::new)?;
        let at = app
            .catalog
            .files
            .iter()
            .position(|f| f.kf_id == file_id)
            .ok_or_else(|| Error::new(routes::NO_FILE))?;
        Ok(SignedUrlMutation {
            url,
            file: FileNode(at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_base64_arrayconnection_offsets() {
        assert_eq!(cursor(0), "YXJyYXljb25uZWN0aW9uOjA=");
        assert_eq!(offset_after(Some(&cursor(4))), 5);
        assert_eq!(offset_after(Some("garbage")), 0);
    }

    #[test]
    fn pages_stop_at_the_end_and_first_is_capped() {
        let page = connection(
            (0..5).map(|i| i.to_string()).collect(),
            Some(2),
            Some(&cursor(2)),
            "x",
        )
        .unwrap();
        let nodes: Vec<&str> = page.edges.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(nodes, ["3", "4"]);
        assert!(!page.page_info.has_next_page);
        let err = connection(vec!["a".to_owned()], Some(251), None, "allFiles")
            .err()
            .unwrap();
        assert!(
            err.message.contains("exceeds the `first` limit of 250"),
            "{}",
            err.message
        );
    }
}
