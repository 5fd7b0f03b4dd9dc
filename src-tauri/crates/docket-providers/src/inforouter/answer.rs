//! What an infoRouter answer means: `success="true"`, or an `error` text mapped to a typed error. The API reports
//! every failure as text inside an HTTP 200, so this module is the one place that reads those texts.

use docket_core::ProviderError;

use super::xml::Element;

/// The API methods Docket calls; the same error text means different things to different methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    AuthenticateUser,
    GetFoldersAndDocumentsByPage,
    GetDocumentVersions,
    GetDownloadInfo,
    GetDownloadHandler,
    GetDownloadHandlerByVersion,
    DownloadFileChunk,
    DeleteDownloadHandler,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::AuthenticateUser => "AuthenticateUser",
            Method::GetFoldersAndDocumentsByPage => "GetFoldersAndDocumentsByPage",
            Method::GetDocumentVersions => "GetDocumentVersions",
            Method::GetDownloadInfo => "GetDownloadInfo",
            Method::GetDownloadHandler => "GetDownloadHandler",
            Method::GetDownloadHandlerByVersion => "GetDownloadHandlerByVersion",
            Method::DownloadFileChunk => "DownloadFileChunk",
            Method::DeleteDownloadHandler => "DeleteDownloadHandler",
        }
    }

    /// Methods whose only server-side object is a download handler: any refusal that is not about the ticket
    /// or the server itself means the handler is gone.
    fn uses_handler(self) -> bool {
        matches!(
            self,
            Method::DownloadFileChunk | Method::DeleteDownloadHandler
        )
    }
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// `[900]`/`[901]` on a ticketed call: authenticating again may help.
    Ticket(String),
    Error(ProviderError),
}

/// The answer's payload element when it reports success, else why not.
pub(super) fn check(method: Method, root: Element) -> Result<Element, Refusal> {
    let root = unwrap_string(root)?;
    // `<Versions>` as the root (older servers) carries no success flag; `<root>`/`<response>` always do.
    let success = match root.attr("success") {
        Some(flag) => flag.trim().eq_ignore_ascii_case("true"),
        None => !(root.is("root") || root.is("response")),
    };
    if success {
        return Ok(root);
    }
    let message = root
        .attr("error")
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or("the server reported a failure without a message")
        .to_owned();
    Err(classify(method, message))
}

/// ASMX methods typed as `string` wrap their XML in `<string xmlns="http://tempuri.org/">`; unwrap it.
fn unwrap_string(root: Element) -> Result<Element, Refusal> {
    let inner = root.text.trim();
    if root.is("string") && inner.starts_with('<') {
        Element::parse(inner).map_err(Refusal::Error)
    } else {
        Ok(root)
    }
}

/// Maps an error text to its variant. The API has no error codes besides `[900]`/`[901]`, so the documented
/// texts are recognised here, once, and nowhere else.
pub(super) fn classify(method: Method, message: String) -> Refusal {
    let lower = message.to_ascii_lowercase();
    let code = error_code(&message);
    if matches!(code, Some(900 | 901)) {
        return if method == Method::AuthenticateUser {
            Refusal::Error(ProviderError::Unauthorized { message })
        } else {
            Refusal::Ticket(message)
        };
    }
    let error = if lower.starts_with("systemerror") {
        ProviderError::Transient { message }
    } else if method.uses_handler() {
        ProviderError::LinkExpired { message }
    } else if lower.contains("offline") || lower.contains("archived") {
        ProviderError::NotDownloadable { message }
    } else if lower.contains("not found") || lower.contains("does not exist") {
        ProviderError::NotFound { message }
    } else if code.is_some()
        || lower.contains("access denied")
        || lower.contains("permission")
        || lower.contains("not authorized")
    {
        ProviderError::Unauthorized { message }
    } else {
        ProviderError::InvalidRequest { message }
    };
    Refusal::Error(error)
}

/// `901` for `[901] Session expired or Invalid ticket`.
fn error_code(message: &str) -> Option<u32> {
    let rest = message.trim_start().strip_prefix('[')?;
    let (code, _) = rest.split_once(']')?;
    code.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(method: Method, xml: &str) -> Refusal {
        check(method, Element::parse(xml).unwrap()).unwrap_err()
    }

    fn error(method: Method, xml: &str) -> ProviderError {
        match refusal(method, xml) {
            Refusal::Error(err) => err,
            Refusal::Ticket(message) => panic!("ticket refusal: {message}"),
        }
    }

    #[test]
    fn a_refused_login_is_unauthorized_with_the_servers_message() {
        let err = error(
            Method::AuthenticateUser,
            r#"<root success="false" error="[900] Authentication failed"/>"#,
        );
        assert_eq!(
            err,
            ProviderError::Unauthorized {
                message: "[900] Authentication failed".into()
            }
        );
    }

    #[test]
    fn an_expired_ticket_asks_for_a_new_login() {
        let answer = refusal(
            Method::GetDownloadHandler,
            r#"<response success="false" error="[901] Session expired or Invalid ticket" />"#,
        );
        assert_eq!(
            answer,
            Refusal::Ticket("[901] Session expired or Invalid ticket".into())
        );
    }

    #[test]
    fn documented_texts_map_to_their_variants() {
        let cases = [
            (Method::GetDownloadHandler, "Document not found", "NotFound"),
            (
                Method::GetFoldersAndDocumentsByPage,
                "Folder not found.",
                "NotFound",
            ),
            (
                Method::GetDownloadHandler,
                "Offline document error: the document is in an offline library",
                "NotDownloadable",
            ),
            (
                Method::GetDownloadHandler,
                "SystemError: disk full",
                "Transient",
            ),
            (Method::DownloadFileChunk, "SystemError: io", "Transient"),
            (
                Method::DownloadFileChunk,
                "Invalid download handler.",
                "LinkExpired",
            ),
            (
                Method::DeleteDownloadHandler,
                "Download handler not found.",
                "LinkExpired",
            ),
        ];
        for (method, text, variant) in cases {
            let err = error(
                method,
                &format!(r#"<response success="false" error="{text}"/>"#),
            );
            assert!(format!("{err:?}").starts_with(variant), "{text}: {err:?}");
            assert_eq!(err.message(), text);
        }
    }

    #[test]
    fn success_is_read_from_the_flag_or_from_a_bare_versions_root() {
        let ok = check(
            Method::GetDocumentVersions,
            Element::parse(r#"<Versions><Version Number="1000000"/></Versions>"#).unwrap(),
        )
        .unwrap();
        assert!(ok.is("Versions"));
        let ok = check(
            Method::AuthenticateUser,
            Element::parse(r#"<root success="True" ticket="t"/>"#).unwrap(),
        )
        .unwrap();
        assert_eq!(ok.attr("ticket"), Some("t"));
    }

    #[test]
    fn xml_wrapped_in_an_asmx_string_is_unwrapped() {
        let ok = check(
            Method::GetDownloadInfo,
            Element::parse(
                r#"<string xmlns="http://tempuri.org/">&lt;response success="true" Size="5"/&gt;</string>"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.attr("Size"), Some("5"));
    }
}
