//! Chunks: the README's chunk decoded and checked against its CRC32, the page's whole workflow, short
//! chunks, and a rendered file's empty CRC32.

use base64::Engine;
use docket_core::ProviderError;

use super::{
    bytes_with_crc32, calls, form, forms, page, provider, readme_chunk, script, served, served_xml,
    staged_source, vendor, DOCUMENT, HANDLER, TICKET,
};
use crate::server::Answer;
use crate::support::fetch;

#[tokio::test]
async fn the_readmes_chunk_is_decoded_and_checked_against_its_own_crc32() {
    let server = vendor().await;
    // The README's chunk is of a 1 MiB file (filelength), the page's staged file 2 MiB: staged with the
    // chunk's length, or Docket rightly refuses the chunk as belonging to another file.
    let staged = page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
    script(&server, "GetDownloadHandler", [served_xml(staged)]);
    let bytes = bytes_with_crc32(65_536, 0xa3f1_c29d);
    let base64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let chunk = page("download-file-chunk.xml").replace("BASE64...", &base64);
    script(&server, "DownloadFileChunk", [served_xml(chunk)]);

    let read = staged_source(&server).await.read(0, 65_536).await.unwrap();
    assert_eq!(read.bytes, bytes);
    assert!(!read.last);

    // The page's loop names DownloadHandler, StartOffset and ChunkSize; the README adds the ticket.
    let loop_fields = page("chunk-loop.page.txt");
    for field in ["DownloadHandler", "StartOffset", "ChunkSize"] {
        assert!(loop_fields.contains(&format!("{field}=")), "{field}");
    }
    assert_eq!(
        forms(&server, "DownloadFileChunk"),
        [form(&[
            ("AuthenticationTicket", TICKET),
            ("DownloadHandler", HANDLER),
            ("StartOffset", "0"),
            ("ChunkSize", "65536"),
        ])]
    );
}

#[tokio::test]
async fn the_readmes_chunk_with_bytes_other_than_its_crc32_names_is_an_integrity_error() {
    let server = vendor().await;
    let staged = page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
    script(&server, "GetDownloadHandler", [served_xml(staged)]);
    let base64 = base64::engine::general_purpose::STANDARD.encode([0u8; 65_536]);
    let chunk = page("download-file-chunk.xml").replace("BASE64...", &base64);
    script(&server, "DownloadFileChunk", [served_xml(chunk)]);
    let err = staged_source(&server)
        .await
        .read(0, 65_536)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
    assert!(err.message().contains("a3f1c29d"), "{err}");
}

#[tokio::test]
async fn the_readmes_chunk_as_printed_is_refused_as_garbled_not_taken_as_data() {
    let server = vendor().await;
    let staged = page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
    script(&server, "GetDownloadHandler", [served_xml(staged)]);
    script(
        &server,
        "DownloadFileChunk",
        [served("download-file-chunk.xml")],
    );
    let err = staged_source(&server)
        .await
        .read(0, 65_536)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_whole_download_follows_the_pages_workflow_and_deletes_the_handler() {
    let server = vendor().await;
    script(
        &server,
        "GetDownloadHandler",
        [served("get-download-handler.xml")],
    );
    // The page's file: 2 MiB, CRC32 a3f1c29d, read in its 1 MiB ChunkSize.
    let content = bytes_with_crc32(2_097_152, 0xa3f1_c29d);
    let (first, second) = content.split_at(1_048_576);
    script(
        &server,
        "DownloadFileChunk",
        [
            readme_chunk(content.len(), first, false),
            readme_chunk(content.len(), second, true),
        ],
    );
    script(
        &server,
        "DeleteDownloadHandler",
        [served("delete-download-handler.xml")],
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider(&server).as_ref(), DOCUMENT, dir.path())
        .await
        .unwrap();
    assert_eq!(
        saved.path.file_name().unwrap().to_str(),
        Some("Q1-Report.pdf")
    );
    assert!(std::fs::read(&saved.path).unwrap() == content);
    assert_eq!(
        calls(&server),
        [
            "AuthenticateUser",
            "GetDownloadHandler",
            "DownloadFileChunk",
            "DownloadFileChunk",
            "DeleteDownloadHandler"
        ]
    );
    let chunk_at = |offset: &str| {
        form(&[
            ("AuthenticationTicket", TICKET),
            ("DownloadHandler", HANDLER),
            ("StartOffset", offset),
            ("ChunkSize", "1048576"),
        ])
    };
    assert_eq!(
        forms(&server, "DownloadFileChunk"),
        [chunk_at("0"), chunk_at("1048576")]
    );
    assert_eq!(
        forms(&server, "DeleteDownloadHandler"),
        [form(&[
            ("AuthenticationTicket", TICKET),
            ("DownloadHandler", HANDLER)
        ])]
    );
}

#[tokio::test]
async fn chunks_shorter_than_asked_for_move_the_offset_by_their_chunklength_as_the_page_says() {
    let server = vendor().await;
    // The README's chunks (64 KiB of a 1 MiB file) under the page's handler, which negotiated 1 MiB.
    let staged = page("get-download-handler.xml").replace(r#"Size="2097152""#, r#"Size="1048576""#);
    script(&server, "GetDownloadHandler", [served_xml(staged)]);
    let content = bytes_with_crc32(1_048_576, 0xa3f1_c29d);
    let pieces: Vec<&[u8]> = content.chunks(65_536).collect();
    let answers: Vec<Answer> = pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| readme_chunk(content.len(), piece, i + 1 == pieces.len()))
        .collect();
    script(&server, "DownloadFileChunk", answers);
    script(
        &server,
        "DeleteDownloadHandler",
        [served("delete-download-handler.xml")],
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider(&server).as_ref(), DOCUMENT, dir.path())
        .await
        .unwrap();
    assert!(std::fs::read(&saved.path).unwrap() == content);
    let asked: Vec<(String, String)> = forms(&server, "DownloadFileChunk")
        .into_iter()
        .map(|f| (f["StartOffset"].clone(), f["ChunkSize"].clone()))
        .collect();
    let expected: Vec<(String, String)> = (0..16)
        .map(|i| ((i * 65_536).to_string(), "1048576".to_owned()))
        .collect();
    assert_eq!(asked, expected);
}

#[tokio::test]
async fn a_rendered_files_empty_crc32_is_no_checksum_rather_than_an_error() {
    let server = vendor().await;
    // The page: CRC32 is "Empty string when RenderedContent is true".
    let rendered = page("get-download-handler.xml")
        .replace(r#"RenderedContent="false""#, r#"RenderedContent="true""#)
        .replace(r#"CRC32="a3f1c29d""#, r#"CRC32="""#);
    script(&server, "GetDownloadHandler", [served_xml(rendered)]);
    let source = staged_source(&server).await;
    assert_eq!(source.staged().crc32, None);
    assert_eq!(source.staged().size, 2_097_152);
}
