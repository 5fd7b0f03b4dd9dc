//! The fuzzer's way into infoRouter's answer parsing (feature `fuzzing`).

use super::answer::{check, Method};
use super::xml::Element;
use super::{listing, staged, versions};

const METHODS: [Method; 8] = [
    Method::AuthenticateUser,
    Method::GetFoldersAndDocumentsByPage,
    Method::GetDocumentVersions,
    Method::GetDownloadInfo,
    Method::GetDownloadHandler,
    Method::GetDownloadHandlerByVersion,
    Method::DownloadFileChunk,
    Method::DeleteDownloadHandler,
];

pub(crate) fn answer(xml: &str) {
    let Ok(root) = Element::parse(xml) else {
        return;
    };
    for method in METHODS {
        if let Ok(answer) = check(method, root.clone()) {
            let _ = listing::page("/Folder", 1, &answer);
            let _ = versions::versions(&answer);
            let _ = staged::staged_file(&answer);
            let _ = staged::chunk(&answer, 0, 1 << 20);
        }
    }
}
