//! The fuzzer's way into infoRouter's answer parsing (feature `fuzzing`).

use super::answer::{check, Method};
use super::streamed::ChunkDecoder;
use super::xml::Element;
use super::{listing, paths, staged, versions};
use docket_core::{DocRef, Location};

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
    chunk_answer(xml.as_bytes());
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

/// The streamed chunk decoder, fed in small pieces as a network would.
fn chunk_answer(body: &[u8]) {
    let mut decoder = ChunkDecoder::new(1 << 20);
    for piece in body.chunks(7) {
        match decoder.feed(piece) {
            Ok(None) => {}
            Ok(Some(_)) | Err(_) => return,
        }
    }
    let _ = decoder.finish();
}

/// A document path, folder location and version number as a user (or a listing's ids) would give them: the
/// `Path` sent is absolute (or a short id), without empty segments.
pub(crate) fn paths_of(text: &str) {
    if let Ok(path) = paths::document_path(&DocRef::new(text)) {
        assert!(path.starts_with('/') || path.starts_with("~D"), "{path}");
    }
    let folder = paths::folder_path(&Location::at(text));
    assert!(folder.starts_with('/'), "{folder}");
    assert!(!folder.contains("//"), "{folder}");
    let _ = paths::join(&folder, text);
    let _ = paths::version_number(Some(text));
}
