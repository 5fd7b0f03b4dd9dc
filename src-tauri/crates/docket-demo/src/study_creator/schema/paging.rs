//! graphene-django's Relay paging: `first`/`last` capped at 250, `offset`, `before`/`after` as
//! `arrayconnection:N` cursors in base64, and the `PageInfo` a page carries.

use super::*;

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
    pub(super) offset: Option<i32>,
    pub(super) before: Option<String>,
    pub(super) after: Option<String>,
    pub(super) first: Option<i32>,
    pub(super) last: Option<i32>,
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
pub(super) fn connection<N>(items: Vec<N>, paging: &Paging, field: &str) -> Result<Page<N>> {
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
