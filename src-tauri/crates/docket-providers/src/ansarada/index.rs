//! Browsing the data room's document index: one Relay page of a folder, and the entries made from it.

use serde_json::json;

use docket_core::{Entry, Page, PageToken, ProviderError};

use super::graphql::DataRoomGraphql;
use super::schema::{self, IndexData, IndexDocument, IndexFolder, IndexItem};

/// One page of the items in `folder` (the root when `None`), `first` at a time.
pub async fn page(
    endpoint: &DataRoomGraphql,
    folder: Option<&str>,
    first: u32,
    after: Option<&PageToken>,
) -> Result<Page<Entry>, ProviderError> {
    // No `folderIds` lists the root; an explicit null would mean the same, but leaving it out is what the docs show.
    let mut variables = json!({ "first": first });
    if let Some(folder) = folder {
        variables["folderIds"] = json!([folder]);
    }
    if let Some(after) = after {
        variables["after"] = json!(after.0);
    }
    let data: IndexData = endpoint
        .run("DataRoomDocumentIndexItems", schema::INDEX_ITEMS, variables)
        .await?;
    let index = data
        .data_room_document_index
        .ok_or_else(|| ProviderError::protocol("the server answered no document index"))?;
    // A null connection is an empty one.
    let Some(items) = index.items else {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    };
    let entries = items
        .edges
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .filter_map(|edge| match edge.node? {
            IndexItem::DataRoomDocument(doc) => Some(document_entry(doc)),
            IndexItem::DataRoomFolder(folder) => Some(folder_entry(folder)),
            IndexItem::Other => None,
        })
        .collect();
    let next = match (items.page_info.has_next_page, items.page_info.end_cursor) {
        (true, Some(cursor)) => Some(PageToken(cursor)),
        (true, None) => {
            return Err(ProviderError::protocol(
                "the index says more items follow but gives no cursor",
            ))
        }
        (false, _) => None,
    };
    Ok(Page {
        items: entries,
        next,
    })
}

fn document_entry(doc: IndexDocument) -> Entry {
    let file = doc.file.unwrap_or_default();
    let name = schema::file_name(&doc.name, file.extension.as_deref());
    // The vendor's schema has no file size: the entry has none until the download tells.
    let mut entry = Entry::document(doc.id, name);
    entry.modified = doc.last_modified_date;
    entry.parent = doc.parent_id;
    entry.extra = json!({
        "number": doc.number,
        "status": doc.status,
        "createdDate": doc.created_date,
        "extension": file.extension,
    });
    entry
}

fn folder_entry(folder: IndexFolder) -> Entry {
    let mut entry = Entry::folder(folder.id, folder.name);
    entry.parent = folder.parent_id;
    entry.extra = json!({
        "number": folder.number,
        "hasChildren": folder.has_children,
    });
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use docket_core::EntryKind;

    #[test]
    fn a_document_entry_is_named_with_its_extension_and_keeps_the_index_number() {
        let doc: IndexDocument = serde_json::from_value(json!({
            "id": "RGF0YVJvb21Eb2N1bWVudDo2NzM5NDoxMDAx", "status": "ACTIVE", "name": "Q1-Report",
            "number": "1.2", "createdDate": null, "lastModifiedDate": "2024-06-15T09:30:00Z",
            "parentId": "RGF0YVJvb21Gb2xkZXI6NjczOTQ6Mg==", "file": {"extension": "pdf"}
        }))
        .unwrap();
        let entry = document_entry(doc);
        assert_eq!(entry.kind, EntryKind::Document);
        assert_eq!(entry.name, "Q1-Report.pdf");
        assert_eq!(entry.size, None);
        assert_eq!(entry.modified.as_deref(), Some("2024-06-15T09:30:00Z"));
        assert_eq!(entry.extra["number"], "1.2");
        assert!(entry.extra["createdDate"].is_null());
    }
}
