//! `/download/...` and `/signed-url/...`, answering as the Django views do: plain-text errors, 401 before any
//! lookup when nobody is authorised, `Content-Length` from the database, RFC 5987 file names only.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde::Deserialize;

use super::auth::{download_token, Caller, DEVELOPER_TOKEN};
use super::catalog::{Catalog, File};
use super::App;

pub const NOT_AUTHORIZED: &str = "Not authorized to download the file";
pub const NO_FILE: &str = "No file exists with given ID";
pub const NO_VERSION: &str = "No version exists with given ID";
pub const WRONG_STUDY: &str = "No file exists for given ID and study";
pub const PROBLEM_FINDING: &str = "Problem finding the file";
pub const NOT_AUTHENTICATED_FOR_URL: &str = "Not authenticated to generate a url.";
/// What Django's CSRF middleware answers to a POST without a CSRF cookie.
pub const CSRF_FAILED: &str = "CSRF verification failed. Request aborted.";

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

fn text(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        message,
    )
        .into_response()
}

pub async fn download(
    State(app): State<Arc<App>>,
    Path((study, file)): Path<(String, String)>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    serve(&app, &study, &file, None, query.token.as_deref(), &headers)
}

pub async fn download_version(
    State(app): State<Arc<App>>,
    Path((study, file, version)): Path<(String, String, String)>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    serve(
        &app,
        &study,
        &file,
        Some(&version),
        query.token.as_deref(),
        &headers,
    )
}

/// Django refuses unsafe methods without a CSRF token before any view runs.
pub async fn csrf_refused() -> Response {
    text(StatusCode::FORBIDDEN, CSRF_FAILED)
}

/// The file and the index of the version asked for (the latest when none is).
fn resolve<'a>(
    catalog: &'a Catalog,
    file: &str,
    version: Option<&str>,
) -> Result<(&'a File, usize), &'static str> {
    let found = catalog.file(file).ok_or(NO_FILE)?;
    match version {
        None => Ok((found, found.latest())),
        Some(v) => found
            .versions
            .iter()
            .position(|x| x.kf_id == v)
            .map(|at| (found, at))
            .ok_or(NO_VERSION),
    }
}

fn serve(
    app: &App,
    study: &str,
    file: &str,
    version: Option<&str>,
    query_token: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let catalog = app.catalog();
    let caller = Caller::from_headers(headers);
    let token = download_token(query_token, headers);
    let signed = token.as_deref().filter(|t| {
        resolve(&catalog, file, version).is_ok_and(|(f, at)| {
            app.tokens
                .is_valid(t, &f.versions[at].kf_id, &app.state.expiry)
        })
    });
    let developer = token.as_deref() == Some(DEVELOPER_TOKEN);
    if !caller.may_see(study) && signed.is_none() && !developer {
        return text(StatusCode::UNAUTHORIZED, NOT_AUTHORIZED);
    }
    let (found, at) = match resolve(&catalog, file, version) {
        Ok(found) => found,
        Err(message) => return text(StatusCode::NOT_FOUND, message),
    };
    if catalog.studies[found.study].kf_id != study {
        return text(StatusCode::NOT_FOUND, WRONG_STUDY);
    }
    if let Some(token) = signed {
        app.tokens.claim(token);
    }
    let content = app
        .state
        .library
        .document(found.document_id)
        .and_then(|d| d.version(found.versions[at].number))
        .map(|v| &v.content);
    let content = match content {
        Some(content) if !found.object_missing => content,
        _ => return text(StatusCode::NOT_FOUND, PROBLEM_FINDING),
    };
    let row = &found.versions[at];
    let disposition = format!(
        "attachment; filename*=UTF-8''{}_{}",
        row.kf_id,
        quote(&row.file_name)
    );
    let stream = content.stream(0..content.len());
    let body = if row.db_size == content.len() {
        Body::from_stream(stream)
    } else {
        // A wrong database row: like gunicorn, send the headers and every real byte, then close short of the
        // announced length (the pause lets the bytes go out before hyper notices and drops the connection).
        let pause = futures_util::stream::once(async {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            Ok::<_, std::io::Error>(bytes::Bytes::new())
        });
        Body::from_stream(stream.chain(pause))
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_DISPOSITION, disposition)
        // From the database, not from the object: a wrong row gives a wrong length, as on the real server.
        .header(header::CONTENT_LENGTH, row.db_size)
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Python's `urllib.parse.quote` with its default `safe='/'`.
fn quote(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub async fn signed_url(
    State(app): State<Arc<App>>,
    Path((study, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    answer_signed_url(&app, &study, &file, None, &headers)
}

pub async fn signed_url_version(
    State(app): State<Arc<App>>,
    Path((study, file, version)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    answer_signed_url(&app, &study, &file, Some(&version), &headers)
}

fn answer_signed_url(
    app: &App,
    study: &str,
    file: &str,
    version: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let catalog = app.catalog();
    match mint(
        app,
        &catalog,
        &Caller::from_headers(headers),
        study,
        file,
        version,
    ) {
        Ok(url) => Json(serde_json::json!({ "url": url })).into_response(),
        Err(message) => text(StatusCode::NOT_FOUND, message),
    }
}

/// `/download/study/S/file/F/version/V?token=T` for a signed-in user of the study; the same checks, in the same
/// order, serve the REST endpoint and the `signedUrl` mutation.
pub fn mint(
    app: &App,
    catalog: &Catalog,
    caller: &Caller,
    study: &str,
    file: &str,
    version: Option<&str>,
) -> Result<String, &'static str> {
    if !caller.may_see(study) {
        return Err(NOT_AUTHENTICATED_FOR_URL);
    }
    let found = catalog.file(file).ok_or(NO_FILE)?;
    let owner = &catalog.studies[found.study];
    if owner.kf_id != study {
        return Err(WRONG_STUDY);
    }
    let (_, at) = resolve(catalog, file, version)?;
    let token = app
        .tokens
        .mint(&found.versions[at].kf_id, app.state.expiry.issue());
    Ok(format!("{}?token={token}", found.version_path(owner, at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_like_python_quote() {
        assert_eq!(quote("Notizen von Zoë.txt"), "Notizen%20von%20Zo%C3%AB.txt");
        assert_eq!(quote("a/b (1).pdf"), "a/b%20%281%29.pdf");
    }
}
