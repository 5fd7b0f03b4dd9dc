//! The demo's own checks: requests without their credential, downloads as the Django view answers them, and
//! graphene's cap on `first`.

use docket_demo::library::sample;
use docket_demo::study_creator as demo;

use crate::helpers::{base, doc, file_of, study_of};
use crate::support::{demo, http};

#[tokio::test]
async fn the_demo_refuses_each_request_that_lacks_its_credential() {
    let server = demo().await;
    let readme = doc(&server, sample::README_TXT);
    let tail = format!("/study/{}/file/{}", study_of(&readme), file_of(&readme));
    let client = http();
    let bare = client
        .get(format!("{}/download{tail}", base(&server)))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    assert_eq!(bare.text().await.unwrap(), demo::NOT_AUTHORIZED);
    let signed = client
        .get(format!("{}/signed-url{tail}", base(&server)))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 404);
    assert_eq!(
        signed.text().await.unwrap(),
        demo::NOT_AUTHENTICATED_FOR_URL
    );
    let graphql: serde_json::Value = client
        .post(format!("{}/graphql", base(&server)))
        .json(&serde_json::json!({ "query": "{ allStudies { edges { node { kfId } } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(graphql["errors"][0]["message"], "Not allowed");
    // A JWT is read only as Bearer; a developer token only as Token or ?token=.
    let jwt_as_token = client
        .get(format!("{}/download{tail}", base(&server)))
        .header("Authorization", format!("Token {}", demo::demo_jwt()))
        .send()
        .await
        .unwrap();
    assert_eq!(jwt_as_token.status(), 401);
    let dev_as_bearer = client
        .get(format!("{}/download{tail}", base(&server)))
        .bearer_auth(demo::DEVELOPER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(dev_as_bearer.status(), 401);
    let dev_in_query = client
        .get(format!(
            "{}/download{tail}?token={}",
            base(&server),
            demo::DEVELOPER_TOKEN
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(dev_in_query.status(), 200);
}

#[tokio::test]
async fn the_demo_answers_downloads_as_the_django_view_does() {
    let server = demo().await;
    let notes = doc(&server, sample::NOTES_TXT);
    let tail = format!(
        "/download/study/{}/file/{}",
        study_of(&notes),
        file_of(&notes)
    );
    let client = http();
    let ok = client
        .get(format!("{}{tail}", base(&server)))
        .bearer_auth(demo::demo_jwt())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["content-type"], "application/octet-stream");
    let disposition = ok.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename*=UTF-8''FV_"),
        "{disposition}"
    );
    assert!(
        disposition.ends_with("_Notizen%20von%20Zo%C3%AB.txt")
            && !disposition.contains("filename="),
        "{disposition}"
    );
    assert!(ok.headers().get("accept-ranges").is_none() && ok.headers().get("etag").is_none());
    let post = client
        .post(format!("{}{tail}", base(&server)))
        .bearer_auth(demo::demo_jwt())
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 403);
    let slash = client
        .get(format!("{}{tail}/", base(&server)))
        .bearer_auth(demo::demo_jwt())
        .send()
        .await
        .unwrap();
    assert_eq!(slash.status(), 404);
}

#[tokio::test]
async fn the_demo_caps_first_at_250_like_graphene() {
    let server = demo().await;
    let answer: serde_json::Value = http()
        .post(format!("{}/graphql", base(&server)))
        .bearer_auth(demo::demo_jwt())
        .json(&serde_json::json!({ "query": "{ allStudies(first: 251) { edges { node { kfId } } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = answer["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("exceeds the `first` limit of 250 records"),
        "{message}"
    );
}
