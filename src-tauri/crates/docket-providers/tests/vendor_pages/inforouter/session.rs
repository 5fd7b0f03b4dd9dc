//! The session: login with UID and PWD, the ticket on later calls, a refused login, and an expired ticket.

use docket_core::{Location, ProviderError};

use super::{calls, form, forms, provider, script, served, staged_source, vendor, HANDLER, TICKET};

#[tokio::test]
async fn login_sends_uid_and_pwd_and_later_calls_carry_the_ticket_it_answered() {
    let server = vendor().await;
    script(
        &server,
        "GetFoldersAndDocumentsByPage",
        [served("folder-listing.xml")],
    );
    provider(&server)
        .list(&Location::at("/Finance/Reports"), None)
        .await
        .unwrap();
    assert_eq!(
        forms(&server, "AuthenticateUser"),
        [form(&[("UID", "ada"), ("PWD", "lovelace")])]
    );
    assert_eq!(
        forms(&server, "GetFoldersAndDocumentsByPage"),
        [form(&[
            ("AuthenticationTicket", TICKET),
            ("Path", "/Finance/Reports"),
            ("FolderFilter", ""),
            ("DocumentFilter", ""),
            ("PageNumber", "1"),
        ])]
    );
}

#[tokio::test]
async fn a_refused_login_is_unauthorized_with_the_vendors_message_and_goes_no_further() {
    let server = vendor().await;
    script(
        &server,
        "AuthenticateUser",
        [served("authenticate-user-failed.xml")],
    );
    let err = provider(&server)
        .list(&Location::at("/Finance"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "[900] Authentication failed".into()
        }
    );
    assert_eq!(calls(&server), ["AuthenticateUser"]);
}

#[tokio::test]
async fn an_expired_ticket_is_replaced_by_logging_in_again_once() {
    let server = vendor().await;
    script(
        &server,
        "GetDownloadHandler",
        [
            served("get-download-handler-error-901.xml"),
            served("get-download-handler.xml"),
        ],
    );
    assert_eq!(staged_source(&server).await.staged().handle, HANDLER);
    assert_eq!(
        calls(&server),
        [
            "AuthenticateUser",
            "GetDownloadHandler",
            "AuthenticateUser",
            "GetDownloadHandler"
        ]
    );
}
