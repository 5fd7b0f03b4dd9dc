//! The `where` and `order` arguments of the `files` query, shaped and named as HotChocolate generates them
//! (`EntityFileFilterInput`, `StringOperationFilterInput`, `EntityFileSortInput`, `SortEnumType`), and how they
//! select and sort catalog files.

use std::cmp::Ordering;

use async_graphql::{Enum, InputObject};

use super::catalog::FileRecord;

/// HotChocolate's string operations.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "StringOperationFilterInput")]
pub struct StringFilter {
    pub and: Option<Vec<StringFilter>>,
    pub or: Option<Vec<StringFilter>>,
    pub eq: Option<String>,
    pub neq: Option<String>,
    pub contains: Option<String>,
    pub ncontains: Option<String>,
    #[graphql(name = "in")]
    pub one_of: Option<Vec<Option<String>>>,
    pub nin: Option<Vec<Option<String>>>,
    pub starts_with: Option<String>,
    pub nstarts_with: Option<String>,
    pub ends_with: Option<String>,
    pub nends_with: Option<String>,
}

impl StringFilter {
    /// Every given operation holds (absent ones hold trivially).
    pub fn matches(&self, value: &str) -> bool {
        let listed = |list: &Option<Vec<Option<String>>>| {
            list.as_ref()
                .map(|l| l.iter().flatten().any(|v| v == value))
        };
        self.and
            .as_ref()
            .is_none_or(|all| all.iter().all(|f| f.matches(value)))
            && self
                .or
                .as_ref()
                .is_none_or(|any| any.iter().any(|f| f.matches(value)))
            && self.eq.as_ref().is_none_or(|v| v == value)
            && self.neq.as_ref().is_none_or(|v| v != value)
            && self
                .contains
                .as_ref()
                .is_none_or(|v| value.contains(v.as_str()))
            && self
                .ncontains
                .as_ref()
                .is_none_or(|v| !value.contains(v.as_str()))
            && listed(&self.one_of).unwrap_or(true)
            && !listed(&self.nin).unwrap_or(false)
            && self
                .starts_with
                .as_ref()
                .is_none_or(|v| value.starts_with(v.as_str()))
            && self
                .nstarts_with
                .as_ref()
                .is_none_or(|v| !value.starts_with(v.as_str()))
            && self
                .ends_with
                .as_ref()
                .is_none_or(|v| value.ends_with(v.as_str()))
            && self
                .nends_with
                .as_ref()
                .is_none_or(|v| !value.ends_with(v.as_str()))
    }
}

/// What `files(where: ...)` can filter on: the vendor documents a businessDate filter too, but not its input type,
/// so neither Docket nor the demo uses one.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "EntityFileFilterInput")]
pub struct FileFilter {
    pub and: Option<Vec<FileFilter>>,
    pub or: Option<Vec<FileFilter>>,
    pub id: Option<StringFilter>,
    pub file_name: Option<StringFilter>,
    pub entity_type: Option<StringFilter>,
    pub entity_id: Option<StringFilter>,
}

impl FileFilter {
    pub fn matches(&self, file: &FileRecord) -> bool {
        let on = |filter: &Option<StringFilter>, value: &str| {
            filter.as_ref().is_none_or(|f| f.matches(value))
        };
        self.and
            .as_ref()
            .is_none_or(|all| all.iter().all(|f| f.matches(file)))
            && self
                .or
                .as_ref()
                .is_none_or(|any| any.iter().any(|f| f.matches(file)))
            && on(&self.id, &file.id)
            && on(&self.file_name, &file.file_name)
            && on(&self.entity_type, file.entity_type)
            && on(&self.entity_id, &file.entity_id)
    }

    /// Whether the filter names files by id: then files still being scanned are returned too.
    pub fn filters_by_id(&self) -> bool {
        self.id.is_some()
            || self
                .and
                .as_ref()
                .is_some_and(|all| all.iter().any(FileFilter::filters_by_id))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SortEnumType")]
pub enum SortDirection {
    Asc,
    Desc,
}

/// Reads the field one sort key compares.
type SortKey = fn(&FileRecord) -> &str;

/// One sort key of `files(order: [...])`; several fields in one object apply in the order written here.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "EntityFileSortInput")]
pub struct FileSort {
    pub entity_type: Option<SortDirection>,
    pub entity_id: Option<SortDirection>,
    pub business_date: Option<SortDirection>,
    pub file_name: Option<SortDirection>,
}

impl FileSort {
    fn compare(&self, a: &FileRecord, b: &FileRecord) -> Ordering {
        let keys: [(Option<SortDirection>, SortKey); 4] = [
            (self.entity_type, |f| f.entity_type),
            (self.entity_id, |f| &f.entity_id),
            (self.business_date, |f| &f.business_date),
            (self.file_name, |f| &f.file_name),
        ];
        keys.iter()
            .filter_map(|(direction, key)| {
                let order = key(a).cmp(key(b));
                direction.map(|d| match d {
                    SortDirection::Asc => order,
                    SortDirection::Desc => order.reverse(),
                })
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

/// Sorts stably by each key in turn; the catalog order breaks ties.
pub fn sort(files: &mut [&FileRecord], order: &[FileSort]) {
    files.sort_by(|a, b| {
        order
            .iter()
            .map(|key| key.compare(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Library;
    use crate::sage_active::catalog::Catalog;

    fn text(eq: &str) -> StringFilter {
        StringFilter {
            eq: Some(eq.to_owned()),
            ..StringFilter::default()
        }
    }

    #[test]
    fn string_operations_combine_with_and() {
        let filter = StringFilter {
            starts_with: Some("inv".into()),
            nends_with: Some(".tmp".into()),
            nin: Some(vec![Some("invoice-2.pdf".into()), None]),
            ..StringFilter::default()
        };
        assert!(filter.matches("invoice-1.pdf"));
        assert!(!filter.matches("invoice-2.pdf"));
        assert!(!filter.matches("invoice.tmp"));
        assert!(!filter.matches("receipt.pdf"));
    }

    #[test]
    fn an_empty_in_list_matches_nothing_and_an_empty_nin_list_everything() {
        let none = StringFilter {
            one_of: Some(vec![]),
            ..StringFilter::default()
        };
        let all = StringFilter {
            nin: Some(vec![]),
            ..StringFilter::default()
        };
        assert!(!none.matches("x"));
        assert!(all.matches("x"));
    }

    #[test]
    fn an_id_filter_inside_and_still_counts_as_by_id() {
        let filter = FileFilter {
            and: Some(vec![FileFilter {
                id: Some(text("a.pdf")),
                ..FileFilter::default()
            }]),
            ..FileFilter::default()
        };
        assert!(filter.filters_by_id());
        let by_type = FileFilter {
            entity_type: Some(text("Customer")),
            ..FileFilter::default()
        };
        assert!(!by_type.filters_by_id());
    }

    #[test]
    fn sorting_by_entity_then_name_descending() {
        let library = Library::sample(1024);
        let catalog = Catalog::new(&library);
        let mut files: Vec<&FileRecord> = catalog.files().iter().collect();
        let order = [
            FileSort {
                entity_id: Some(SortDirection::Asc),
                ..FileSort::default()
            },
            FileSort {
                file_name: Some(SortDirection::Desc),
                ..FileSort::default()
            },
        ];
        sort(&mut files, &order);
        for pair in files.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(
                a.entity_id < b.entity_id
                    || (a.entity_id == b.entity_id && a.file_name >= b.file_name)
            );
        }
    }
}
