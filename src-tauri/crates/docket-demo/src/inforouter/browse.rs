//! `GetFoldersAndDocumentsByPage` and `GetFoldersAndDocuments1`: subfolders first, then documents, as `<f>` and
//! `<d>` elements under a `<response>` describing the folder.

use axum::response::Response;

use crate::library::{Document, Folder, Library};

use super::lookup::{self, VERSION_STEP};
use super::reply::{failure, Tag};
use super::request::{Call, Refused};
use super::Api;

enum Item<'a> {
    Folder(&'a Folder),
    Document(&'a Document),
}

/// One page (from 1) of the folder, filtered by name substrings; `-1` returns every item.
pub(super) fn by_page(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let path = call.required("Path")?;
    let page = call.number("PageNumber")?;
    let folder_filter = call.optional("FolderFilter").unwrap_or_default();
    let document_filter = call.optional("DocumentFilter").unwrap_or_default();
    api.user(ticket)?;
    let library = api.state.library.current();
    let Some(folder) = lookup::folder(library, path) else {
        return Ok(failure(lookup::FOLDER_NOT_FOUND));
    };
    if page == 0 || page < -1 {
        return Ok(failure("Invalid page number."));
    }
    let items = items(library, folder, folder_filter, document_filter);
    let total = items.len();
    let size = api.settings.page_size.max(1);
    let shown: Vec<&Item> = if page == -1 {
        items.iter().collect()
    } else {
        let skip = usize::try_from(page - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(size);
        items.iter().skip(skip).take(size).collect()
    };
    let mut answer = describe(library, folder)
        .attr("folderfilter", folder_filter)
        .attr("documentfilter", document_filter)
        .attr("page", page)
        .attr("pageSize", size)
        .attr("itemcount", total);
    for item in shown {
        answer = answer.child(element(item));
    }
    Ok(answer.respond())
}

/// Every item of the folder, unpaged.
pub(super) fn whole_folder(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let path = call.required("Path")?;
    api.user(ticket)?;
    let library = api.state.library.current();
    let Some(folder) = lookup::folder(library, path) else {
        return Ok(failure(lookup::FOLDER_NOT_FOUND));
    };
    let items = items(library, folder, "", "");
    let mut answer = describe(library, folder).attr("itemcount", items.len());
    for item in &items {
        answer = answer.child(element(item));
    }
    Ok(answer.respond())
}

fn describe(library: &Library, folder: &Folder) -> Tag {
    let parent = folder.parent.and_then(|id| library.folder(id));
    Tag::success()
        .attr("folderid", folder.id)
        .attr("parentid", parent.map_or(0, |p| p.id))
        .attr("name", &folder.name)
        .attr("path", &folder.path)
}

fn items<'a>(
    library: &'a Library,
    folder: &Folder,
    folder_filter: &str,
    document_filter: &str,
) -> Vec<Item<'a>> {
    let matches = |name: &str, filter: &str| {
        filter.is_empty() || name.to_lowercase().contains(&filter.to_lowercase())
    };
    library
        .subfolders(folder.id)
        .filter(|f| matches(&f.name, folder_filter))
        .map(Item::Folder)
        .chain(
            library
                .documents_in(folder.id)
                .filter(|d| matches(&d.name, document_filter))
                .map(Item::Document),
        )
        .collect()
}

fn element(item: &Item) -> Tag {
    match item {
        Item::Folder(folder) => Tag::new("f").attr("id", folder.id).attr("n", &folder.name),
        Item::Document(doc) => {
            let version = u64::from(doc.latest().number) * VERSION_STEP;
            Tag::new("d")
                .attr("id", doc.id)
                .attr("n", &doc.name)
                .attr("mdate", lookup::listing_date(doc.modified()))
                .attr("cdate", lookup::listing_date(doc.created()))
                .attr("size", doc.size())
                .attr("dformat", lookup::format_label(doc.mime))
                .attr("chkoutbyusername", "")
                .attr("chkoutbyfullname", "")
                .attr("version", version)
                .attr("publishedversion", version)
                .attr("dtype", 0)
        }
    }
}
