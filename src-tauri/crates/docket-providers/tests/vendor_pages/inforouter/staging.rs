//! Staging by GetDownloadHandler: the page's staging answer and POST example, a version by its number, and
//! each documented error.

use docket_core::{DocRef, IgnoreStatus, ProviderError, StagedFile};

use super::{
    form, forms, pages_post_example, prepare_error, provider, script, served, staged_source,
    vendor, DOCUMENT, HANDLER, TICKET,
};

#[tokio::test]
async fn the_pages_staging_answer_is_a_staged_file_asked_for_as_the_pages_post_example() {
    let server = vendor().await;
    script(
        &server,
        "GetDownloadHandler",
        [served("get-download-handler.xml")],
    );
    script(
        &server,
        "DeleteDownloadHandler",
        [served("delete-download-handler.xml")],
    );
    let source = staged_source(&server).await;
    assert_eq!(
        source.staged(),
        &StagedFile {
            handle: HANDLER.into(),
            size: 2_097_152,
            chunk_size: 1_048_576,
            crc32: Some(0xa3f1_c29d),
            file_name: Some("Q1-Report.pdf".into()),
            mime: Some("application/pdf".into()),
            modified: Some("2024-06-15".into()),
        }
    );
    // The page's example ticket is another session's; every other field is the page's, value for value.
    let mut expected = pages_post_example();
    expected.insert("AuthenticationTicket".into(), TICKET.into());
    assert_eq!(forms(&server, "GetDownloadHandler"), [expected]);

    source.release().await.unwrap();
    assert_eq!(
        forms(&server, "DeleteDownloadHandler"),
        [form(&[
            ("AuthenticationTicket", TICKET),
            ("DownloadHandler", HANDLER)
        ])]
    );
}

#[tokio::test]
async fn a_version_is_staged_by_get_download_handler_by_version_with_its_number() {
    let server = vendor().await;
    script(
        &server,
        "GetDownloadHandlerByVersion",
        [served("get-download-handler.xml")],
    );
    provider(&server)
        .prepare(&DocRef::new(DOCUMENT), Some("2"), &IgnoreStatus)
        .await
        .unwrap();
    let mut expected = pages_post_example();
    expected.insert("AuthenticationTicket".into(), TICKET.into());
    expected.insert("VersionNumber".into(), "2000000".into());
    assert_eq!(forms(&server, "GetDownloadHandlerByVersion"), [expected]);
    assert!(forms(&server, "GetDownloadHandler").is_empty());
}

#[tokio::test]
async fn each_documented_error_of_get_download_handler_is_its_own_error_with_the_vendors_message() {
    let cases = [
        (
            "get-download-handler-error-901.xml",
            ProviderError::Unauthorized {
                message: "[901] Session expired or Invalid ticket".into(),
            },
        ),
        (
            "error-900-authentication-failed.xml",
            ProviderError::Unauthorized {
                message: "[900] Authentication failed".into(),
            },
        ),
        (
            "error-document-not-found.xml",
            ProviderError::NotFound {
                message: "Document not found".into(),
            },
        ),
        (
            "error-offline-document.xml",
            ProviderError::NotDownloadable {
                message: "Offline document error".into(),
            },
        ),
        (
            "error-system-error.xml",
            ProviderError::transient("SystemError:..."),
        ),
    ];
    for (refusal, expected) in cases {
        let server = vendor().await;
        script(&server, "GetDownloadHandler", [served(refusal)]);
        let ticket_refused = matches!(expected, ProviderError::Unauthorized { .. });
        assert_eq!(prepare_error(&server).await, expected, "{refusal}");
        // A refused ticket is worth one new login; no other error is.
        let logins = if ticket_refused { 2 } else { 1 };
        assert_eq!(
            forms(&server, "AuthenticateUser").len(),
            logins,
            "{refusal}"
        );
    }
}
