//! The GraphQL schema: the document index with Relay paging, and the asynchronous download job, shaped exactly as
//! the vendor's published schema (`docket-providers/contracts/ansarada.graphql`, which a test compares this with):
//! index items are the `IDataRoomDocumentIndexItem` interface, `dataRoom` is an object, dates are `DateTime`, and
//! what the vendor's schema lets be null is nullable here too.

use std::sync::Arc;

use async_graphql::{
    Context, EmptySubscription, Enum, Error, ErrorExtensions, InputObject, InputValueError,
    InputValueResult, Interface, Object, Result, Scalar, ScalarType, Schema, SimpleObject, Value,
    ID,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::ids::{self, GlobalId, ROOM};
use super::jobs::{DocumentTransferStatus, Job, FAILURE_REASON, JOB_TTL};
use super::presign;
use super::{Index, Role, Room};
use crate::library::{Document, Folder, Library};

pub type DataRoomSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Items per page when `first` is not given, and the most one page holds.
pub const DEFAULT_PAGE_SIZE: usize = 50;
pub const MAX_PAGE_SIZE: usize = 100;

/// The schema as SDL, which tests compare with the vendor's published schema.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .finish()
        .sdl()
}

pub fn build(room: Arc<Room>) -> DataRoomSchema {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .data(room)
        .finish()
}

/// A GraphQL error carrying `extensions.code`, as the vendor's gateway sends them.
pub fn coded(code: &str, message: impl Into<String>) -> Error {
    let code = code.to_owned();
    Error::new(message).extend_with(move |_, e| e.set("code", code.as_str()))
}

fn room<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Room>> {
    ctx.data::<Arc<Room>>()
}

pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// The index of the data room the token is scoped to.
    async fn data_room_document_index(&self) -> Option<DataRoomDocumentIndex> {
        Some(DataRoomDocumentIndex)
    }

    /// The state of one download request.
    async fn data_room_document_download(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<DataRoomDocumentDownload>> {
        let room = room(ctx)?;
        let not_found = || {
            coded(
                "NOT_FOUND",
                format!("Download request {} was not found", id.as_str()),
            )
        };
        let Some(GlobalId::Download(uuid)) = GlobalId::decode(&id) else {
            return Err(not_found());
        };
        let job = room.jobs.poll(&uuid).ok_or_else(not_found)?;
        // A request past its lifetime (or expired by the demo's control endpoint) is gone.
        if room
            .state
            .expiry
            .is_expired(job.stamp, docket_providers::ansarada::KIND, JOB_TTL)
        {
            return Err(coded(
                "NOT_FOUND",
                format!("Download request {} has expired", id.as_str()),
            ));
        }
        download_view(room, &job, role(ctx)).map(Some)
    }
}

pub struct MutationRoot;

#[derive(InputObject)]
pub struct InitiateDataRoomDocumentDownloadInput {
    document_id: ID,
}

#[derive(SimpleObject)]
pub struct InitiateDataRoomDocumentDownloadPayload {
    download: Option<DataRoomDocumentDownload>,
}

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Starts preparing a document for download (permission checks, watermarking, encryption).
    async fn initiate_data_room_document_download(
        &self,
        ctx: &Context<'_>,
        input: InitiateDataRoomDocumentDownloadInput,
    ) -> Result<Option<InitiateDataRoomDocumentDownloadPayload>> {
        let room = room(ctx)?;
        let document = find_document(room.state.library.current(), &input.document_id)?;
        let stamp = room.state.expiry.issue();
        let job = room
            .jobs
            .create(document.id, document.flags.job_fails, stamp);
        Ok(Some(InitiateDataRoomDocumentDownloadPayload {
            download: Some(download_view(room, &job, role(ctx))?),
        }))
    }
}

fn role(ctx: &Context<'_>) -> Role {
    ctx.data_opt::<Role>().copied().unwrap_or(Role::Guest)
}

fn find_document<'a>(library: &'a Library, id: &ID) -> Result<&'a Document> {
    match GlobalId::decode(id) {
        Some(GlobalId::Document(number)) => library.document(number).ok_or_else(|| {
            coded(
                "NOT_FOUND",
                format!("Document {} was not found", id.as_str()),
            )
        }),
        _ => Err(coded(
            "BAD_USER_INPUT",
            format!("{} is not a DataRoomDocument id", id.as_str()),
        )),
    }
}

/// The vendor's `DateTime` scalar: an RFC 3339 instant in UTC.
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

/// `DataRoomDocumentDownload` as it stands now.
#[derive(SimpleObject)]
pub struct DataRoomDocumentDownload {
    document: Option<DataRoomDocument>,
    id: ID,
    download_presigned_url: Option<String>,
    status: DocumentTransferStatus,
    created_at: DateTime,
    updated_at: DateTime,
    expires_at: Option<DateTime>,
    failure_reason: Option<String>,
}

fn download_view(room: &Room, job: &Job, role: Role) -> Result<DataRoomDocumentDownload> {
    let index = room.index();
    let document = index.library.document(job.document).ok_or_else(|| {
        coded(
            "NOT_FOUND",
            "The document of this download no longer exists",
        )
    })?;
    let status = job.status();
    let issued = job.stamp.issued_at();
    let presigned = (status == DocumentTransferStatus::Completed).then(|| {
        presign::presign(
            &room.state.base_url(docket_providers::ansarada::KIND),
            &job.uuid,
            &document.name,
            issued,
            JOB_TTL,
        )
    });
    Ok(DataRoomDocumentDownload {
        id: ID(GlobalId::Download(job.uuid.clone()).encode()),
        status,
        created_at: DateTime(issued.rfc3339()),
        updated_at: DateTime(issued.plus(job.updated_after()).rfc3339()),
        expires_at: Some(DateTime(job.stamp.expires_at(JOB_TTL).rfc3339())),
        failure_reason: (status == DocumentTransferStatus::Failed)
            .then(|| FAILURE_REASON.to_owned()),
        download_presigned_url: presigned,
        document: Some(document_view(&index, document, role)),
    })
}

/// The data room the token is scoped to.
#[derive(SimpleObject)]
pub struct DataRoom {
    id: ID,
}

pub struct DataRoomDocumentIndex;

#[Object]
impl DataRoomDocumentIndex {
    async fn data_room(&self) -> DataRoom {
        DataRoom {
            id: ID(STANDARD.encode(format!("DataRoom:{ROOM}"))),
        }
    }

    /// Folders and documents directly in `folderIds` (the root when none), folders first, in index order.
    async fn items(
        &self,
        ctx: &Context<'_>,
        folder_ids: Option<Vec<ID>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Option<DataRoomDocumentIndexItemsConnection>> {
        let index = room(ctx)?.index();
        let library = index.library;
        let folders = match folder_ids {
            None => vec![library.root()],
            Some(ids) => ids
                .iter()
                .map(|id| find_folder(library, id))
                .collect::<Result<Vec<_>>>()?,
        };
        let page_size = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n < 0 => {
                return Err(coded("BAD_USER_INPUT", "first must not be negative"));
            }
            Some(n) => (n as usize).min(MAX_PAGE_SIZE),
        };
        let start = match after {
            None => 0,
            Some(cursor) => {
                decode_cursor(&cursor)
                    .ok_or_else(|| coded("BAD_USER_INPUT", format!("Invalid cursor {cursor}")))?
                    + 1
            }
        };
        let role = role(ctx);
        let all: Vec<IDataRoomDocumentIndexItem> = folders
            .iter()
            .flat_map(|folder| {
                let subfolders = library
                    .subfolders(folder.id)
                    .map(|f| IDataRoomDocumentIndexItem::DataRoomFolder(folder_view(&index, f)));
                let documents = library.documents_in(folder.id).map(|d| {
                    IDataRoomDocumentIndexItem::DataRoomDocument(document_view(&index, d, role))
                });
                subfolders.chain(documents).collect::<Vec<_>>()
            })
            .collect();
        let total = all.len();
        let edges: Vec<DataRoomDocumentIndexItemsEdge> = all
            .into_iter()
            .enumerate()
            .skip(start)
            .take(page_size)
            .map(|(offset, node)| DataRoomDocumentIndexItemsEdge {
                cursor: Some(encode_cursor(offset)),
                node: Some(node),
            })
            .collect();
        let end = start + edges.len();
        Ok(Some(DataRoomDocumentIndexItemsConnection {
            page_info: PageInfo {
                has_next_page: end < total,
                has_previous_page: start > 0,
                start_cursor: edges.first().and_then(|e| e.cursor.clone()),
                end_cursor: edges.last().and_then(|e| e.cursor.clone()),
            },
            edges: Some(edges.into_iter().map(Some).collect()),
        }))
    }

    async fn id(&self) -> ID {
        ID(STANDARD.encode(format!("DataRoomDocumentIndex:{ROOM}")))
    }
}

fn find_folder<'a>(library: &'a Library, id: &ID) -> Result<&'a Folder> {
    match GlobalId::decode(id) {
        Some(GlobalId::Folder(number)) => library
            .folder(number)
            .ok_or_else(|| coded("NOT_FOUND", format!("Folder {} was not found", id.as_str()))),
        _ => Err(coded(
            "BAD_USER_INPUT",
            format!("{} is not a DataRoomFolder id", id.as_str()),
        )),
    }
}

fn encode_cursor(offset: usize) -> String {
    STANDARD.encode(format!("DataRoomDocumentIndexItem:{offset}"))
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let plain = String::from_utf8(STANDARD.decode(cursor).ok()?).ok()?;
    plain
        .strip_prefix("DataRoomDocumentIndexItem:")?
        .parse()
        .ok()
}

#[derive(SimpleObject)]
pub struct DataRoomDocumentIndexItemsConnection {
    edges: Option<Vec<Option<DataRoomDocumentIndexItemsEdge>>>,
    page_info: PageInfo,
}

#[derive(SimpleObject)]
pub struct DataRoomDocumentIndexItemsEdge {
    cursor: Option<String>,
    node: Option<IDataRoomDocumentIndexItem>,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

/// Whether an index item is shown; every demo item is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DataRoomDocumentIndexStatus {
    Enabled,
    Disabled,
}

/// What documents and folders of the index have in common.
// The variants are the vendor's type names; two interface fields share a type, which clippy mistakes for a
// repeated attribute.
#[allow(clippy::enum_variant_names, clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    name = "IDataRoomDocumentIndexItem",
    field(name = "status", ty = "DataRoomDocumentIndexStatus"),
    field(name = "name", ty = "&String"),
    field(name = "number", ty = "&Option<String>"),
    field(name = "parent_id", ty = "&Option<ID>"),
    field(name = "created_date", ty = "&Option<DateTime>"),
    field(name = "last_modified_date", ty = "&Option<DateTime>")
)]
pub enum IDataRoomDocumentIndexItem {
    DataRoomDocument(DataRoomDocument),
    DataRoomFolder(DataRoomFolder),
}

pub struct DataRoomDocument {
    id: ID,
    /// The name without its extension, which is in `file`.
    name: String,
    /// The index number, e.g. `2.1.3`.
    number: Option<String>,
    /// Null for the Guest and Limited Viewer roles.
    created_date: Option<DateTime>,
    last_modified_date: Option<DateTime>,
    parent_id: Option<ID>,
    file: File,
}

#[Object]
impl DataRoomDocument {
    async fn id(&self) -> &ID {
        &self.id
    }

    async fn status(&self) -> DataRoomDocumentIndexStatus {
        DataRoomDocumentIndexStatus::Enabled
    }

    async fn name(&self) -> &String {
        &self.name
    }

    async fn number(&self) -> &Option<String> {
        &self.number
    }

    async fn created_date(&self) -> &Option<DateTime> {
        &self.created_date
    }

    async fn last_modified_date(&self) -> &Option<DateTime> {
        &self.last_modified_date
    }

    async fn parent_id(&self) -> &Option<ID> {
        &self.parent_id
    }

    async fn file(&self) -> &File {
        &self.file
    }
}

/// The stored file of a document; the vendor documents its extension only.
#[derive(SimpleObject)]
pub struct File {
    extension: Option<String>,
}

pub struct DataRoomFolder {
    id: ID,
    name: String,
    number: Option<String>,
    parent_id: Option<ID>,
    has_children: bool,
}

#[Object]
impl DataRoomFolder {
    async fn id(&self) -> &ID {
        &self.id
    }

    async fn status(&self) -> DataRoomDocumentIndexStatus {
        DataRoomDocumentIndexStatus::Enabled
    }

    async fn name(&self) -> &String {
        &self.name
    }

    async fn number(&self) -> &Option<String> {
        &self.number
    }

    // The sample library keeps no folder dates.
    async fn created_date(&self) -> &Option<DateTime> {
        &None
    }

    async fn last_modified_date(&self) -> &Option<DateTime> {
        &None
    }

    async fn has_children(&self) -> bool {
        self.has_children
    }

    async fn parent_id(&self) -> &Option<ID> {
        &self.parent_id
    }
}

fn document_view(index: &Index, document: &Document, role: Role) -> DataRoomDocument {
    let extension = document.extension();
    let name = if extension.is_empty() {
        document.name.clone()
    } else {
        document.name[..document.name.len() - extension.len() - 1].to_owned()
    };
    DataRoomDocument {
        id: ID(ids::document(document.id)),
        name,
        number: Some(index.numbers.document(document.id)),
        created_date: (role == Role::Administrator).then(|| DateTime(document.created().rfc3339())),
        last_modified_date: Some(DateTime(document.modified().rfc3339())),
        parent_id: parent_id(index.library, document.folder_id),
        file: File {
            extension: Some(extension.to_owned()),
        },
    }
}

fn folder_view(index: &Index, folder: &Folder) -> DataRoomFolder {
    let library = index.library;
    DataRoomFolder {
        id: ID(ids::folder(folder.id)),
        name: folder.name.clone(),
        number: Some(index.numbers.folder(folder.id)),
        parent_id: folder.parent.and_then(|p| parent_id(library, p)),
        has_children: library.subfolders(folder.id).next().is_some()
            || library.documents_in(folder.id).next().is_some(),
    }
}

/// Items at the top of the index have no parent.
fn parent_id(library: &Library, folder: u32) -> Option<ID> {
    (folder != library.root().id).then(|| ID(ids::folder(folder)))
}
