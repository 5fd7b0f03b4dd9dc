//! Browsing the recorded study as admin, member, outsider and developer, its files and the manifest's
//! versions.

use docket_core::{DocRef, EntryKind, Location, ProviderError};

use crate::recording::{Caller, MANIFEST, RESUME_SHEET, STUDY};
use crate::server::{Answer, FileSummary, RecordedServer};

#[tokio::test]
async fn an_admin_lists_the_recorded_study_with_its_name_short_name_and_creation_time() {
    let server = RecordedServer::start().await;
    let studies = server
        .by_route(Caller::Admin)
        .list_all(&Location::root())
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    assert_eq!(studies.len(), 1, "{studies:?}");
    let study = &studies[0];
    assert_eq!(study.id, STUDY);
    assert_eq!(study.name, "Docket Verification Study");
    assert_eq!(study.kind, EntryKind::Folder);
    assert_eq!(
        study.modified.as_deref(),
        Some("2026-12-07T11:11:23.759243+00:00")
    );
    assert_eq!(study.extra["shortName"], "DocketVer");
    assert_eq!(server.graphql_operations(), [["allStudies"]]);
    assert_eq!(
        server.requests()[0].authorization.as_deref(),
        Some("Bearer replay.admin.jwt")
    );
}

#[tokio::test]
async fn a_member_of_the_study_lists_the_same_study() {
    let server = RecordedServer::start().await;
    let studies = server
        .by_route(Caller::Member)
        .list_all(&Location::root())
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    let ids: Vec<&str> = studies.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [STUDY]);
}

#[tokio::test]
async fn a_user_of_no_study_lists_nothing_and_no_error() {
    let server = RecordedServer::start().await;
    let page = server
        .by_route(Caller::Outsider)
        .list(&Location::root(), None)
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    assert!(page.items.is_empty(), "{:?}", page.items);
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn a_jwt_the_server_does_not_recognise_is_refused_with_its_not_allowed_sent_with_http_200() {
    // A bad or expired JWT makes the caller anonymous, and the recorded anonymous answer is `Not allowed` inside
    // a 200 (recorded with a developer token, which GraphQL also sees as nobody).
    let server = RecordedServer::start().await;
    let err = server
        .remote("bearer", false, "expired.or.forged.jwt")
        .list_all(&Location::root())
        .await
        .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "Not allowed".into()
        }
    );
    assert_eq!(server.requests()[0].answer, Answer::Recorded(3));
}

#[tokio::test]
async fn a_developer_token_does_not_browse_and_says_why_without_asking_the_server() {
    // The server would answer `Not allowed` (exchange 3); Docket says what to change instead.
    let server = RecordedServer::start().await;
    let err = server
        .by_route(Caller::Developer)
        .list_all(&Location::root())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidRequest { message } if message.contains("token_type=bearer")),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn an_admin_lists_the_studys_two_files_each_with_its_latest_version() {
    let server = RecordedServer::start().await;
    let listed = server
        .by_route(Caller::Admin)
        .list_all(&Location::at(STUDY))
        .await;
    // Issue 14's bug fails here: Docket sent `allFiles(studyKfId: …)` (study_creator/nodes.rs), and the real
    // server knows only `study_KfId`: it refuses the whole query with HTTP 400, as recorded in exchange 5.
    server.assert_the_real_server_accepts_what_docket_sent();
    let files = listed.expect("the study's files");
    server.assert_the_recording_answered_every_request();
    let summary: Vec<FileSummary> = files
        .iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.name.as_str(),
                f.size,
                f.version.as_deref(),
                f.modified.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                MANIFEST,
                "Participants manifest",
                Some(5_242_880),
                Some("FV_FA4PEQ9E"),
                Some("2026-12-07T11:11:50.182074+00:00")
            ),
            (
                RESUME_SHEET,
                "Résumé sheet",
                Some(31),
                Some("FV_SZ8VT2KT"),
                Some("2026-12-07T11:11:50.240432+00:00")
            ),
        ]
    );
    assert!(files
        .iter()
        .all(|f| f.kind == EntryKind::Document && f.parent.as_deref() == Some(STUDY)));
    assert_eq!(files[0].extra["fileName"], "participants_v2.bin");
    assert_eq!(
        files[0].extra["description"],
        "two-version file for docket verification"
    );
    assert_eq!(files[1].extra["fileName"], "Résumé data (final).csv");
}

#[tokio::test]
async fn a_member_sees_both_versions_of_the_manifest_newest_first() {
    let server = RecordedServer::start().await;
    let versions = server
        .by_route(Caller::Member)
        .versions(&DocRef::new(MANIFEST))
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    let summary: Vec<(&str, Option<u64>, Option<&str>)> = versions
        .iter()
        .map(|v| (v.id.as_str(), v.size, v.modified.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "FV_FA4PEQ9E",
                Some(5_242_880),
                Some("2026-12-07T11:11:50.182074+00:00")
            ),
            (
                "FV_886XHYWE",
                Some(87),
                Some("2026-12-07T11:11:48.512878+00:00")
            ),
        ]
    );
    // The recording shows no version description (answered null here), so each label is the file name.
    let labels: Vec<&str> = versions.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["participants_v2.bin", "participants.csv"]);
    assert_eq!(
        server.graphql_operations(),
        [["fileByKfId"], ["allVersions"]]
    );
}
