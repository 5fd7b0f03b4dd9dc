//! The GraphQL API (graphene-django's shape): Relay connections with `first` and `last` capped at 250, `offset`,
//! no `totalCount`, `arrayconnection:N` cursors, `Not allowed` for anonymous callers, errors with HTTP 200.
//!
//! Every type, field and argument here is the real server's (`docket-providers/contracts/study-creator.graphql`,
//! its introspection answer, which a test compares this with): graphene's argument spellings (`study_KfId`), its
//! nullability (connections, edges and nodes may be null) and its enums. The demo serves a subset of the fields.

use std::sync::Arc;

use async_graphql::{
    Context, EmptySubscription, Enum, Error, InputValueError, InputValueResult, Object, Result,
    Scalar, ScalarType, Schema, SimpleObject, Value, ID,
};
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

/// The schema as SDL, which tests compare with the real server's introspected schema.
pub fn sdl() -> String {
    schema().sdl()
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

/// graphene's `DateTime`: ISO 8601 with the offset, as Django writes it.
pub struct DateTime(String);

#[Scalar]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Ok(DateTime(text)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// `FileType`: what kind of data a file holds. The demo's files are all `OTH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum FileType {
    Oth,
    Dbg,
    Bsm,
    Cln,
    Seq,
    Fam,
    Fcm,
    Ftr,
    Pda,
    Gob,
    Ptd,
    Ptp,
    Alm,
    Bbm,
    Bcm,
    #[graphql(name = "S3S")]
    S3s,
    Gwo,
}

/// `VersionState`: where a version is in review. The demo's versions are all approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VersionState {
    Pen,
    App,
    Chn,
    Prc,
}

/// The demo's files have this type and no tags.
const FILE_TYPE: FileType = FileType::Oth;

#[derive(SimpleObject)]
#[graphql(name = "PageInfo")]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

/// Relay's paging arguments as graphene-django takes them.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    offset: Option<i32>,
    before: Option<String>,
    after: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
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
            node: Option<$node>,
            cursor: String,
        }

        #[derive(SimpleObject)]
        pub struct $connection {
            page_info: PageInfo,
            edges: Vec<Option<$edge>>,
        }

        impl From<Page<$node>> for $connection {
            fn from(page: Page<$node>) -> Self {
                $connection {
                    page_info: page.page_info,
                    edges: page
                        .edges
                        .into_iter()
                        .map(|(node, cursor)| {
                            Some($edge {
                                node: Some(node),
                                cursor,
                            })
                        })
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

/// The offset a cursor names; graphql-relay ignores a cursor it cannot read.
fn cursor_offset(cursor: Option<&str>) -> Option<usize> {
    cursor
        .and_then(|c| STANDARD.decode(c).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| {
            s.strip_prefix("arrayconnection:")
                .and_then(|n| n.parse::<usize>().ok())
        })
}

/// The index after `after`: where a page starts.
fn offset_after(after: Option<&str>) -> usize {
    cursor_offset(after).map_or(0, |n| n + 1)
}

/// A page size: refused above the server's limit or below zero, as graphene-django and graphql-relay do.
fn limit(value: Option<i32>, argument: &str, field: &str) -> Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(n) if n > MAX_FIRST => Err(Error::new(format!(
            "Requesting {n} records on the `{field}` connection exceeds the `{argument}` limit of {MAX_FIRST} records."
        ))),
        Some(n) if n < 0 => Err(Error::new(format!(
            "Argument \"{argument}\" must be a non-negative integer"
        ))),
        Some(n) => Ok(Some(n as usize)),
    }
}

/// graphene-django's slicing: `offset` counts on from `after`, `first` defaults to the limit when neither `first`
/// nor `last` is given, and `hasNextPage`/`hasPreviousPage` are answered only in the direction that was paged.
fn connection<N>(items: Vec<N>, paging: &Paging, field: &str) -> Result<Page<N>> {
    let mut first = limit(paging.first, "first", field)?;
    let last = limit(paging.last, "last", field)?;
    if first.is_none() && last.is_none() {
        first = Some(MAX_FIRST as usize);
    }
    let total = items.len();
    let skipped = usize::try_from(paging.offset.unwrap_or(0)).unwrap_or(0);
    let lower = (offset_after(paging.after.as_deref()) + skipped).min(total);
    let upper = cursor_offset(paging.before.as_deref())
        .unwrap_or(total)
        .clamp(lower, total);
    let mut start = lower;
    let mut end = upper;
    if let Some(first) = first {
        end = end.min(start + first);
    }
    if let Some(last) = last {
        start = start.max(end.saturating_sub(last));
    }
    let edges: Vec<(N, String)> = items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(end - start)
        .map(|(i, node)| (node, cursor(i)))
        .collect();
    Ok(Page {
        page_info: PageInfo {
            has_next_page: first.is_some() && end < upper,
            has_previous_page: last.is_some() && start > lower,
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

/// `orderBy` on studies, by name or creation time; Django's ordering filter refuses any other field.
fn ordered_studies(
    mut studies: Vec<StudyNode>,
    order_by: Option<&str>,
    app: &App,
) -> Result<Vec<StudyNode>> {
    let row = |s: &StudyNode| &app.catalog.studies[s.0];
    match order_by.map(str::trim) {
        None | Some("") => {}
        Some("name") => studies.sort_by(|a, b| row(a).name.cmp(&row(b).name)),
        Some("-name") => studies.sort_by(|a, b| row(b).name.cmp(&row(a).name)),
        Some("created_at") => studies.sort_by_key(|s| row(s).created_at),
        Some("-created_at") => studies.sort_by_key(|s| std::cmp::Reverse(row(s).created_at)),
        Some(other) => {
            return Err(Error::new(format!(
                "Select a valid choice. {other} is not one of the available choices."
            )))
        }
    }
    Ok(studies)
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

    async fn name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(self.study(ctx)?.name.clone()))
    }

    async fn short_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(self.study(ctx)?.short_name.clone()))
    }

    async fn created_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime>> {
        Ok(Some(DateTime(self.study(ctx)?.created_at.rfc3339())))
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

    async fn file_type(&self) -> Option<FileType> {
        Some(FILE_TYPE)
    }

    async fn tags(&self) -> Vec<String> {
        Vec::new()
    }

    async fn study(&self, ctx: &Context<'_>) -> Result<StudyNode> {
        Ok(StudyNode(self.file(ctx)?.study))
    }

    async fn download_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let file = self.file(ctx)?;
        Ok(Some(download_url(
            ctx,
            &file.path(&app(ctx)?.catalog.studies[file.study]),
        )))
    }

    // The arguments are the API's own (graphene-django's paging and filters).
    #[allow(clippy::too_many_arguments)]
    async fn versions(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        file_kf_id: Option<String>,
        order_by: Option<String>,
    ) -> Result<Option<VersionNodeConnection>> {
        let file = self.0;
        let row = self.file(ctx)?;
        let count = if file_kf_id.as_ref().is_none_or(|id| *id == row.kf_id) {
            row.versions.len()
        } else {
            0
        };
        let nodes = (0..count)
            .map(|v| VersionNode { file, version: v })
            .collect();
        let nodes = ordered(nodes, order_by.as_deref(), app(ctx)?);
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(nodes, &paging, "versions").map(|page| Some(page.into()))
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

    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime> {
        Ok(DateTime(self.row(app(ctx)?).created_at.rfc3339()))
    }

    async fn description(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(format!("Revision {}", self.row(app(ctx)?).number)))
    }

    async fn state(&self) -> VersionState {
        VersionState::App
    }

    async fn root_file(&self) -> Option<FileNode> {
        Some(FileNode(self.file))
    }

    async fn download_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let app = app(ctx)?;
        let file = &app.catalog.files[self.file];
        Ok(Some(download_url(
            ctx,
            &file.version_path(&app.catalog.studies[file.study], self.version),
        )))
    }
}

pub struct Query;

#[Object]
impl Query {
    // The arguments are the API's own (graphene-django's paging and filters).
    #[allow(clippy::too_many_arguments)]
    async fn all_studies(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        name: Option<String>,
        organization: Option<ID>,
        order_by: Option<String>,
    ) -> Result<Option<StudyNodeConnection>> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        // The demo's studies belong to no organization it could name: say so rather than answer wrongly.
        if organization.is_some() {
            return Err(Error::new(
                "the demo server does not filter studies by organization",
            ));
        }
        let app = app(ctx)?;
        let studies = app
            .catalog
            .studies
            .iter()
            .enumerate()
            .filter(|(_, s)| caller.may_see(&s.kf_id))
            .filter(|(_, s)| name.as_ref().is_none_or(|n| *n == s.name))
            .map(|(i, _)| StudyNode(i))
            .collect();
        let studies = ordered_studies(studies, order_by.as_deref(), app)?;
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(studies, &paging, "allStudies").map(|page| Some(page.into()))
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

    // The arguments are the API's own, spelled as graphene spells the Django filters (`study__kf_id` becomes
    // `study_KfId`).
    #[allow(clippy::too_many_arguments)]
    async fn all_files(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        name: Option<String>,
        #[graphql(name = "study_KfId")] study_kf_id: Option<String>,
        file_type: Option<FileType>,
        tag: Option<String>,
    ) -> Result<Option<FileNodeConnection>> {
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
                caller.may_see(study)
                    && study_kf_id.as_ref().is_none_or(|s| s == study)
                    && name.as_ref().is_none_or(|n| *n == f.name)
                    && file_type.is_none_or(|t| t == FILE_TYPE)
                    // The demo's files have no tags.
                    && tag.is_none()
            })
            .map(|(i, _)| FileNode(i))
            .collect();
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(files, &paging, "allFiles").map(|page| Some(page.into()))
    }

    async fn file_by_kf_id(&self, ctx: &Context<'_>, kf_id: String) -> Result<Option<FileNode>> {
        let catalog = &app(ctx)?.catalog;
        let at = catalog
            .files
            .iter()
            .position(|f| f.kf_id == kf_id)
            .ok_or_else(|| Error::new("File was not found"))?;
        if caller(ctx)?.may_see(&catalog.studies[catalog.files[at].study].kf_id) {
            Ok(Some(FileNode(at)))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }

    // The arguments are the API's own (graphene-django's paging and filters).
    #[allow(clippy::too_many_arguments)]
    async fn all_versions(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        file_kf_id: Option<String>,
        order_by: Option<String>,
    ) -> Result<Option<VersionNodeConnection>> {
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
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(
            ordered(versions, order_by.as_deref(), app),
            &paging,
            "allVersions",
        )
        .map(|page| Some(page.into()))
    }

    async fn version_by_kf_id(
        &self,
        ctx: &Context<'_>,
        kf_id: String,
    ) -> Result<Option<VersionNode>> {
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
            Ok(Some(VersionNode { file, version }))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }
}

#[derive(SimpleObject)]
pub struct SignedUrlMutation {
    url: Option<String>,
    file: Option<FileNode>,
}

pub struct Mutation;

#[Object]
impl Mutation {
    async fn signed_url(
        &self,
        ctx: &Context<'_>,
        file_id: String,
        study_id: String,
        version_id: Option<String>,
    ) -> Result<Option<SignedUrlMutation>> {
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
        Ok(Some(SignedUrlMutation {
            url: Some(url),
            file: Some(FileNode(at)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, paging: Paging) -> Result<Page<String>> {
        connection((0..items).map(|i| i.to_string()).collect(), &paging, "x")
    }

    fn nodes(page: &Page<String>) -> Vec<&str> {
        page.edges.iter().map(|e| e.0.as_str()).collect()
    }

    #[test]
    fn cursors_are_base64_arrayconnection_offsets() {
        assert_eq!(cursor(0), "YXJyYXljb25uZWN0aW9uOjA=");
        assert_eq!(offset_after(Some(&cursor(4))), 5);
        assert_eq!(offset_after(Some("garbage")), 0);
    }

    #[test]
    fn pages_stop_at_the_end_and_first_is_capped() {
        let forward = page(
            5,
            Paging {
                first: Some(2),
                after: Some(cursor(2)),
                ..Paging::default()
            },
        )
        .unwrap();
        assert_eq!(nodes(&forward), ["3", "4"]);
        assert!(!forward.page_info.has_next_page);
        let err = connection(
            vec!["a".to_owned()],
            &Paging {
                first: Some(251),
                ..Paging::default()
            },
            "allFiles",
        )
        .err()
        .unwrap();
        assert!(
            err.message.contains("exceeds the `first` limit of 250"),
            "{}",
            err.message
        );
    }

    #[test]
    fn last_and_before_page_backwards_and_offset_counts_on_from_after() {
        let backward = page(
            10,
            Paging {
                last: Some(3),
                before: Some(cursor(8)),
                ..Paging::default()
            },
        )
        .unwrap();
        assert_eq!(nodes(&backward), ["5", "6", "7"]);
        assert!(backward.page_info.has_previous_page);
        assert!(!backward.page_info.has_next_page);
        let skipped = page(
            10,
            Paging {
                offset: Some(2),
                after: Some(cursor(1)),
                first: Some(2),
                ..Paging::default()
            },
        )
        .unwrap();
        assert_eq!(nodes(&skipped), ["4", "5"]);
        assert!(page(
            3,
            Paging {
                last: Some(251),
                ..Paging::default()
            }
        )
        .is_err());
    }
}
