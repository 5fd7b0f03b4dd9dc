//! Credentials: expired and tampered JWTs, group membership, developer tokens, and the settings a remote
//! needs.

use docket_core::{IgnoreStatus, Location, ProviderError};
use docket_demo::library::sample;
use docket_demo::study_creator as demo;
use docket_demo::Timestamp;

use crate::helpers::{base, by_developer_token, connect, doc, fetch, remote, study_of};
use crate::support::{demo, download, http, prepared_url, provider_error};

#[tokio::test]
async fn an_expired_jwt_is_refused_everywhere_with_the_servers_words() {
    let server = demo().await;
    let expired = demo::issue_jwt(&[], &["ADMIN"], Timestamp::from_unix(1_600_000_000));
    let readme = doc(&server, sample::README_TXT);
    let browse = connect(&server, "bearer", false, &expired)
        .list(&Location::root(), None)
        .await
        .unwrap_err();
    assert_eq!(
        browse,
        ProviderError::Unauthorized {
            message: "Not allowed".into()
        }
    );
    let dir = tempfile::tempdir().unwrap();
    let route = download(
        connect(&server, "bearer", false, &expired).as_ref(),
        &readme,
        None,
        dir.path(),
    )
    .await;
    assert_eq!(
        provider_error(route.unwrap_err()),
        ProviderError::Unauthorized {
            message: demo::NOT_AUTHORIZED.into()
        }
    );
    let signed = connect(&server, "bearer", true, &expired)
        .prepare(&readme, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(
        signed,
        ProviderError::Unauthorized {
            message: demo::NOT_AUTHENTICATED_FOR_URL.into()
        }
    );
}

#[tokio::test]
async fn a_tampered_jwt_counts_as_no_credential_at_all() {
    let server = demo().await;
    let tampered = format!("{}A", demo::demo_jwt());
    let err = connect(&server, "bearer", false, &tampered)
        .stat(&doc(&server, sample::README_TXT))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Unauthorized { .. }), "{err:?}");
}

#[tokio::test]
async fn a_user_sees_and_downloads_only_the_studies_of_their_groups() {
    let server = demo().await;
    let readme = doc(&server, sample::README_TXT);
    let report = doc(&server, sample::REPORT_PDF);
    let jwt = demo::issue_jwt(
        &[&study_of(&readme)],
        &["USER"],
        Timestamp::utc(2100, 1, 1, 0, 0, 0),
    );
    let provider = connect(&server, "bearer", false, &jwt);
    let studies = provider.list_all(&Location::root()).await.unwrap();
    assert_eq!(
        studies.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [study_of(&readme)]
    );
    let dir = tempfile::tempdir().unwrap();
    assert!(download(provider.as_ref(), &readme, None, dir.path())
        .await
        .is_ok());
    let refused = download(provider.as_ref(), &report, None, dir.path())
        .await
        .unwrap_err();
    assert_eq!(
        provider_error(refused),
        ProviderError::Unauthorized {
            message: demo::NOT_AUTHORIZED.into()
        }
    );
}

#[tokio::test]
async fn a_developer_token_downloads_but_does_not_browse() {
    let server = demo().await;
    let provider = by_developer_token(&server);
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(err.message().contains("token_type=bearer"), "{err}");
    let url = prepared_url(provider.as_ref(), &doc(&server, sample::README_TXT), None).await;
    assert_eq!(url.headers[0].0, "Authorization");
    assert_eq!(
        url.headers[0].1.expose(),
        format!("Token {}", demo::DEVELOPER_TOKEN)
    );
    assert!(
        !url.url.contains(demo::DEVELOPER_TOKEN),
        "the token stays out of the URL"
    );
    assert_eq!(fetch(&url).await.0, 200);
}

#[tokio::test]
async fn a_developer_token_with_signed_urls_is_refused_when_connecting() {
    let server = demo().await;
    let (config, credentials) = remote(&server, "developer", true, demo::DEVELOPER_TOKEN);
    let err = docket_providers::connect(config, credentials, http())
        .err()
        .unwrap();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_remote_without_token_type_is_refused_naming_the_setting() {
    let server = demo().await;
    let (mut config, credentials) = demo::demo_remote(&base(&server));
    config.settings.remove("token_type");
    let err = docket_providers::connect(config, credentials, http())
        .err()
        .unwrap();
    assert!(err.message().contains("`token_type`"), "{err}");
}
