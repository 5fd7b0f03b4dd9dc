//! Server-rendered HTML previews (Sage Active) are untrusted: they are shown only in an iframe sandboxed
//! with no permissions at all, under a CSP that forbids scripts, forms, frames, navigation and any network.

use serde::Serialize;

/// Everything not listed is blocked by `default-src 'none'`; images, styles and fonts may only be inline.
pub const SERVER_PREVIEW_CSP: &str = "default-src 'none'; script-src 'none'; object-src 'none'; \
     connect-src 'none'; frame-src 'none'; child-src 'none'; worker-src 'none'; form-action 'none'; \
     base-uri 'none'; frame-ancestors 'self'; img-src data:; font-src data:; media-src 'none'; \
     style-src 'unsafe-inline'; manifest-src 'none'";

/// The iframe to show a server preview in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxedFrame {
    /// The `sandbox` attribute: empty grants nothing (no scripts, forms, popups, top navigation, same origin).
    pub sandbox: String,
    /// The `csp` attribute (CSP Embedded Enforcement, where the web view supports it).
    pub csp: String,
    /// `referrerpolicy`.
    pub referrer_policy: String,
    /// `allow` (permissions policy): nothing.
    pub allow: String,
    /// The document to load through `srcdoc`, with the CSP as its first element so it applies before any
    /// of the server's markup.
    pub srcdoc: String,
}

/// Wraps server HTML for display. The HTML is not parsed or cleaned: the sandbox and the CSP do the work,
/// and a `<meta>` CSP placed first cannot be loosened by later markup (policies only ever add up).
pub fn sandboxed_frame(server_html: &str) -> SandboxedFrame {
    let meta = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{SERVER_PREVIEW_CSP}\">\
         <meta name=\"referrer\" content=\"no-referrer\">"
    );
    SandboxedFrame {
        sandbox: String::new(),
        csp: SERVER_PREVIEW_CSP.to_owned(),
        referrer_policy: "no-referrer".to_owned(),
        allow: String::new(),
        srcdoc: format!("{meta}{server_html}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_blocks_scripts_forms_navigation_and_network() {
        for directive in [
            "default-src 'none'",
            "script-src 'none'",
            "form-action 'none'",
            "connect-src 'none'",
            "frame-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(SERVER_PREVIEW_CSP.contains(directive), "{directive}");
        }
        assert!(!SERVER_PREVIEW_CSP.contains("http"));
    }

    #[test]
    fn the_frame_grants_nothing_and_its_policy_comes_before_the_server_markup() {
        let frame = sandboxed_frame("<script>alert(1)</script><p>hi</p>");
        assert_eq!(frame.sandbox, "");
        assert!(frame
            .srcdoc
            .starts_with("<meta http-equiv=\"Content-Security-Policy\""));
        assert!(frame.srcdoc.find("<script>") > frame.srcdoc.find("script-src 'none'"));
    }
}
