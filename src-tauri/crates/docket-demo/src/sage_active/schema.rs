//! The GraphQL schema: `files(where, order, first, after, last, before)` returning a HotChocolate-style cursor
//! connection of `EntityFile`, with exactly the types, fields and nullability of the vendor's documented schema
//! (`docket-providers/contracts/sage-active.graphql`, which a test compares this with). Only scanned files are
//! listed unless the filter names files by id; `downloadPath` and `previewPath` issue fresh short links only when a
//! query asks for them.

use std::sync::Arc;

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, Error, Object, Schema, SimpleObject,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::catalog::{FileRecord, FileState};
use super::filter::{self, FileFilter, FileSort};
use super::links::LinkKind;
use super::SageDemo;

pub type FilesSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page; larger `first`/`last` values are cut to it.
pub const MAX_PAGE_SIZE: usize = 500;

/// The schema as SDL, which tests compare with the vendor's documented schema.
pub fn sdl() -> String {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}

pub fn build(demo: Arc<SageDemo>) -> FilesSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .data(demo)
        .finish()
}

pub struct Query;

#[Object]
impl Query {
    /// Files attached to business entities.
    // The arguments are the API's own (HotChocolate filtering, sorting and Relay paging).
    #[allow(clippy::too_many_arguments)]
    async fn files(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<FileFilter>,
        order: Option<Vec<FileSort>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Option<FilesConnection>> {
        let demo = ctx.data::<Arc<SageDemo>>()?;
        let filter = filter.unwrap_or_default();
        let by_id = filter.filters_by_id();
        let catalog = demo.catalog();
        let mut files: Vec<&FileRecord> = catalog
            .files()
            .iter()
            .filter(|f| by_id || f.is_scanned())
            .filter(|f| filter.matches(f))
            .collect();
        filter::sort(&mut files, order.as_deref().unwrap_or_default());
        let window = Window::select(
            files.len(),
            Bounds {
                first: page_size(first, "first")?,
                after: after.as_deref().map(decode_cursor).transpose()?,
                last: page_size(last, "last")?,
                before: before.as_deref().map(decode_cursor).transpose()?,
            },
        );
        let edges = files[window.start..window.end]
            .iter()
            .zip(window.start..)
            .map(|(file, index)| FilesEdge {
                cursor: encode_cursor(index),
                node: EntityFile((*file).clone()),
            })
            .collect();
        Ok(Some(FilesConnection {
            page_info: PageInfo {
                has_next_page: window.has_next,
                has_previous_page: window.has_previous,
                start_cursor: (window.start < window.end).then(|| encode_cursor(window.start)),
                end_cursor: (window.start < window.end).then(|| encode_cursor(window.end - 1)),
            },
            total_count: i32::try_from(files.len()).unwrap_or(i32::MAX),
            edges: Some(edges),
        }))
    }
}

#[derive(SimpleObject)]
#[graphql(name = "FilesConnection")]
pub struct FilesConnection {
    page_info: PageInfo,
    edges: Option<Vec<FilesEdge>>,
    total_count: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "FilesEdge")]
pub struct FilesEdge {
    cursor: String,
    node: EntityFile,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

#[derive(Clone)]
pub struct EntityFile(FileRecord);

/// Every field is nullable, as the vendor's documented schema leaves them; the demo always has a value.
#[Object]
impl EntityFile {
    async fn id(&self) -> Option<&str> {
        Some(&self.0.id)
    }

    async fn file_name(&self) -> Option<&str> {
        Some(&self.0.file_name)
    }

    /// The extension, e.g. `pdf`.
    #[graphql(name = "type")]
    async fn extension(&self) -> Option<&str> {
        Some(&self.0.extension)
    }

    async fn mime_type(&self) -> Option<&str> {
        Some(&self.0.mime)
    }

    async fn size(&self) -> Option<i64> {
        Some(i64::try_from(self.0.size).unwrap_or(i64::MAX))
    }

    async fn upload_date(&self) -> Option<String> {
        Some(self.0.uploaded.rfc3339())
    }

    async fn entity_type(&self) -> Option<&str> {
        Some(self.0.entity_type)
    }

    async fn entity_id(&self) -> Option<&str> {
        Some(&self.0.entity_id)
    }

    async fn business_date(&self) -> Option<&str> {
        Some(&self.0.business_date)
    }

    /// A fresh link path valid 10 minutes; `null` while the antivirus scan runs.
    async fn download_path(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        self.link(ctx, LinkKind::Download)
    }

    /// Like `downloadPath`, but inline and an HTML preview for CSV, XML and text.
    async fn preview_path(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        self.link(ctx, LinkKind::Preview)
    }
}

impl EntityFile {
    fn link(&self, ctx: &Context<'_>, kind: LinkKind) -> async_graphql::Result<Option<String>> {
        if self.0.state == FileState::Scanning {
            return Ok(None);
        }
        let demo = ctx.data::<Arc<SageDemo>>()?;
        Ok(Some(demo.links.issue(&demo.state.expiry, &self.0.id, kind)))
    }
}

/// `first`/`last` as a count: negative is refused, anything above the maximum is cut to it.
fn page_size(value: Option<i32>, name: &str) -> async_graphql::Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(Error::new(format!(
            "The requested number of items for `{name}` cannot be negative."
        ))),
        Some(n) => Ok(Some((n as usize).min(MAX_PAGE_SIZE))),
    }
}

/// HotChocolate's cursors: the base64 of the item's index.
fn encode_cursor(index: usize) -> String {
    STANDARD.encode(index.to_string())
}

fn decode_cursor(cursor: &str) -> async_graphql::Result<usize> {
    STANDARD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| Error::new(format!("The cursor `{cursor}` is not valid.")))
}

#[derive(Debug, Clone, Copy, Default)]
struct Bounds {
    first: Option<usize>,
    after: Option<usize>,
    last: Option<usize>,
    before: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: usize,
    end: usize,
    has_next: bool,
    has_previous: bool,
}

impl Window {
    /// The Relay window over `len` items; without `first` and `last` the default page size applies.
    fn select(len: usize, bounds: Bounds) -> Window {
        let lower = bounds.after.map_or(0, |a| a.saturating_add(1)).min(len);
        let upper = bounds.before.map_or(len, |b| b.min(len)).max(lower);
        let first = match (bounds.first, bounds.last) {
            (None, None) => Some(DEFAULT_PAGE_SIZE),
            (first, _) => first,
        };
        let mut start = lower;
        let mut end = upper;
        if let Some(first) = first {
            end = end.min(start + first);
        }
        if let Some(last) = bounds.last {
            start = start.max(end.saturating_sub(last));
        }
        Window {
            start,
            end,
            // Like HotChocolate: whether any item of the whole result lies beyond the page, either side.
            has_next: end < len,
            has_previous: start > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_first_a_page_holds_twenty_items() {
        let window = Window::select(45, Bounds::default());
        assert_eq!((window.start, window.end, window.has_next), (0, 20, true));
    }

    #[test]
    fn first_is_cut_to_five_hundred() {
        assert_eq!(page_size(Some(10_000), "first").unwrap(), Some(500));
        let window = Window::select(
            1_200,
            Bounds {
                first: page_size(Some(10_000), "first").unwrap(),
                ..Bounds::default()
            },
        );
        assert_eq!((window.start, window.end), (0, 500));
        assert!(page_size(Some(-1), "first").is_err());
    }

    #[test]
    fn after_continues_behind_the_cursor_and_the_last_page_has_no_next() {
        let window = Window::select(
            5,
            Bounds {
                first: Some(2),
                after: Some(decode_cursor(&encode_cursor(2)).unwrap()),
                ..Bounds::default()
            },
        );
        assert_eq!(
            (
                window.start,
                window.end,
                window.has_next,
                window.has_previous
            ),
            (3, 5, false, true)
        );
    }

    #[test]
    fn last_takes_the_end_of_the_window() {
        let window = Window::select(
            10,
            Bounds {
                last: Some(3),
                before: Some(8),
                ..Bounds::default()
            },
        );
        assert_eq!((window.start, window.end), (5, 8));
    }

    #[test]
    fn a_cursor_that_is_not_base64_of_a_number_is_refused() {
        assert!(decode_cursor("not a cursor").is_err());
        assert_eq!(encode_cursor(0), "MA==");
    }
}
