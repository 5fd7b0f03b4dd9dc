//! The replay itself: each recorded request answered as the real server did.

use axum::http::header;
use serde_json::Value;

use crate::recording::RECORDING;
use crate::server::{Answer, RecordedServer};
use crate::support;

#[tokio::test]
async fn the_replay_answers_each_recorded_request_as_the_real_server_did() {
    let server = RecordedServer::start().await;
    let http = support::http();
    for (index, exchange) in RECORDING.exchanges.iter().enumerate() {
        let url = format!("{}{}", server.base, exchange.request.path);
        let mut request = match exchange.request.method.as_str() {
            "POST" => http
                .post(&url)
                .json(exchange.request.body.as_ref().unwrap()),
            _ => http.get(&url),
        };
        if let Some(authorization) = exchange.caller().authorization() {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            exchange.response.status,
            "exchange {index}"
        );
        for (name, value) in &exchange.response.headers {
            if !name.eq_ignore_ascii_case("content-length") || exchange.response.body.is_string() {
                assert_eq!(
                    response.headers()[name.as_str()],
                    value.as_str(),
                    "exchange {index}: {name}"
                );
            }
        }
        let body = response.text().await.unwrap();
        match &exchange.response.body {
            Value::String(text) => assert_eq!(&body, text, "exchange {index}"),
            json => assert_eq!(
                &serde_json::from_str::<Value>(&body).unwrap(),
                json,
                "exchange {index}"
            ),
        }
    }
    // The real server refused one recorded query (exchange 5, `studyKfId`); the schema here refuses it alike.
    let refusals: Vec<Answer> = server
        .requests()
        .into_iter()
        .map(|seen| seen.answer)
        .filter(|answer| matches!(answer, Answer::Refused { .. } | Answer::NotRecorded(_)))
        .collect();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(
        matches!(
            &refusals[0],
            Answer::Refused {
                recorded: Some(5),
                ..
            }
        ),
        "{refusals:?}"
    );
}
