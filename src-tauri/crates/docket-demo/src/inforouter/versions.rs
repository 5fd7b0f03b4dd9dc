//! `GetDocumentVersions`: every stored version, oldest first, as the reference shows.

use axum::response::Response;

use super::download::crc32_of;
use super::lookup::{self, VERSION_STEP};
use super::reply::{failure, Tag};
use super::request::{Call, Refused};
use super::Api;

pub(super) async fn list(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let path = call.required("Path")?;
    let user = api.user(ticket)?;
    let Some(doc) = lookup::document(&api.state.library, path) else {
        return Ok(failure(lookup::DOCUMENT_NOT_FOUND));
    };
    let mut list = Tag::new("Versions");
    for version in &doc.versions {
        let checksum = crc32_of(&api.state, doc.id, version.number).await?;
        let created = version.modified.rfc3339();
        list = list.child(
            Tag::new("Version")
                .attr("Number", u64::from(version.number) * VERSION_STEP)
                .child(Tag::new("VersionAuthor").text(user.username))
                .child(Tag::new("VersionAuthorId").text(&user.id.to_string()))
                .child(Tag::new("VersionSize").text(&version.size().to_string()))
                .child(Tag::new("CheckSum").text(&format!("{checksum:08x}")))
                .child(Tag::new("DateCreated").text(&created))
                .child(Tag::new("DatePublished").text(&created))
                .child(Tag::new("Comment").text(comment(version.number)))
                .child(Tag::new("ApprovalStatus").text("Approved")),
        );
    }
    Ok(Tag::success().child(list).respond())
}

fn comment(number: u32) -> &'static str {
    if number == 1 {
        "Initial upload"
    } else {
        "Revised"
    }
}
