//! What is not there: missing files, versions and studies, a stored object that is gone, ids of the wrong
//! shape, and a bare file id found through GraphQL.

use docket_core::{DocRef, IgnoreStatus, Location, ProviderError};
use docket_demo::library::sample;
use docket_demo::study_creator as demo;

use crate::helpers::{by_route, by_signed_url, doc, file_of, study_of};
use crate::support::{demo, download, provider_error};

#[tokio::test]
async fn missing_files_versions_and_studies_are_not_found_in_the_servers_words() {
    let server = demo().await;
    let provider = by_route(&server);
    let readme = doc(&server, sample::README_TXT);
    let report = doc(&server, sample::REPORT_PDF);
    let dir = tempfile::tempdir().unwrap();

    let missing = DocRef::new(format!("{}/SF_ZZZZZZZZ", study_of(&readme)));
    assert_eq!(
        provider.stat(&missing).await.unwrap_err(),
        ProviderError::NotFound {
            message: "File was not found".into()
        }
    );
    let route = download(provider.as_ref(), &missing, None, dir.path())
        .await
        .unwrap_err();
    assert_eq!(
        provider_error(route),
        ProviderError::NotFound {
            message: demo::NO_FILE.into()
        }
    );
    let signed = by_signed_url(&server)
        .prepare(&missing, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(
        signed,
        ProviderError::NotFound {
            message: demo::NO_FILE.into()
        }
    );

    let version = download(provider.as_ref(), &readme, Some("FV_ZZZZZZZZ"), dir.path())
        .await
        .unwrap_err();
    assert_eq!(
        provider_error(version),
        ProviderError::NotFound {
            message: demo::NO_VERSION.into()
        }
    );

    let crossed = DocRef::new(format!("{}/{}", study_of(&readme), file_of(&report)));
    let wrong_study = download(provider.as_ref(), &crossed, None, dir.path())
        .await
        .unwrap_err();
    assert_eq!(
        provider_error(wrong_study),
        ProviderError::NotFound {
            message: demo::WRONG_STUDY.into()
        }
    );
    assert!(matches!(
        provider.stat(&crossed).await.unwrap_err(),
        ProviderError::NotFound { .. }
    ));

    let no_study = provider
        .list(&Location::at("SD_ZZZZZZZZ"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(no_study, ProviderError::NotFound { .. }),
        "{no_study:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn a_file_whose_stored_object_is_gone_is_a_problem_finding_the_file() {
    let server = demo().await;
    let link = doc(&server, sample::INTRANET_LINK);
    let dir = tempfile::tempdir().unwrap();
    for provider in [by_route(&server), by_signed_url(&server)] {
        let err = download(provider.as_ref(), &link, None, dir.path())
            .await
            .unwrap_err();
        assert_eq!(
            provider_error(err),
            ProviderError::NotFound {
                message: demo::PROBLEM_FINDING.into()
            }
        );
    }
}

#[tokio::test]
async fn ids_of_the_wrong_shape_are_refused_before_any_request() {
    let server = demo().await;
    let provider = by_route(&server);
    let err = provider
        .prepare(&DocRef::new("Q1-Report.pdf"), None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    let err = provider
        .list(&Location::at("/Finance"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    let err = provider
        .prepare(&doc(&server, sample::README_TXT), Some("3"), &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert_eq!(
        server
            .state()
            .stats
            .get(docket_providers::study_creator::KIND, "/")
            .requests,
        0
    );
}

#[tokio::test]
async fn a_bare_file_id_finds_its_study_through_graphql() {
    let server = demo().await;
    let readme = doc(&server, sample::README_TXT);
    let dir = tempfile::tempdir().unwrap();
    let saved = download(
        by_signed_url(&server).as_ref(),
        &DocRef::new(file_of(&readme)),
        None,
        dir.path(),
    )
    .await
    .unwrap();
    let state = server.state();
    assert_eq!(
        saved.content_hash,
        state
            .library
            .document_by_path(sample::README_TXT)
            .unwrap()
            .latest()
            .content
            .content_hash()
    );
}
