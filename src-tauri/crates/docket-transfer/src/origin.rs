//! Where a downloaded file came from, written on the file the way browsers do it, so the desktop treats it as
//! downloaded (file managers' "where from", Windows' "this file came from another computer" and SmartScreen,
//! macOS Gatekeeper's first-open check):
//!
//! - Linux: the `user.xdg.origin.url` and `user.xdg.referrer.url` extended attributes (the freedesktop.org
//!   common extended attributes, as Chromium and Firefox set them).
//! - Windows: the `Zone.Identifier` alternate data stream, `ZoneId=3` (Internet) with `ReferrerUrl` and `HostUrl`.
//! - macOS: the `com.apple.quarantine` attribute (`0083;<hex unix time>;Docket;`).
//!
//! What is recorded is never the link the bytes came from: a presigned or signed link carries its credential in
//! the query string, and anyone who can read the file's attributes could use it. It is the remote's base URL as
//! configured, without user name, password, query or fragment (the referrer), and that same URL with a fragment
//! naming the document: `https://ir.example.com/#document=%2FFinance%2FQ1.pdf&version=2000000` (the origin). A
//! fragment is never sent to a server, so the origin is an address that works and names the document without
//! pretending to be a download link.
//!
//! Writing it is best effort: a file system without extended attributes (FAT, some tmpfs and network shares)
//! costs the mark, never the download.

use std::io;
use std::path::Path;

use docket_store::queue::TransferRecord;

/// The two addresses a downloaded file records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The document on its server: the base URL with `#document=…[&version=…]`.
    pub url: String,
    /// The server whose listing offered the document: the base URL alone.
    pub referrer: String,
}

impl Origin {
    /// The origin of `document` (and `version`, when one was asked for) on the server at `base_url`; `None` when
    /// `base_url` is not an http(s) URL.
    pub fn of(base_url: &str, document: &str, version: Option<&str>) -> Option<Origin> {
        let mut base = reqwest::Url::parse(base_url.trim()).ok()?;
        if !matches!(base.scheme(), "http" | "https") {
            return None;
        }
        // Credentials have no place in a file's attributes, wherever in the URL they were put.
        base.set_username("").ok()?;
        base.set_password(None).ok()?;
        base.set_query(None);
        base.set_fragment(None);
        let referrer = base.to_string();
        let mut fragment = format!("document={}", encode(document));
        if let Some(version) = version {
            fragment.push_str(&format!("&version={}", encode(version)));
        }
        base.set_fragment(Some(&fragment));
        Some(Origin {
            url: base.to_string(),
            referrer,
        })
    }
}

/// Marks the file at `path`, downloaded by `transfer` from the remote at `base_url`, with its origin; logs what
/// could not be written and carries on.
pub(crate) async fn mark(path: &Path, base_url: Option<&str>, transfer: &TransferRecord) {
    let origin =
        base_url.and_then(|base| Origin::of(base, &transfer.document, transfer.version.as_deref()));
    let Some(origin) = origin else {
        tracing::debug!(path = %path.display(), "no server address to record as the file's origin");
        return;
    };
    let path = path.to_owned();
    let written = tokio::task::spawn_blocking(move || {
        let written = write(&path, &origin);
        (path, written)
    })
    .await;
    match written {
        Ok((_, Ok(()))) => {}
        Ok((path, Err(err))) if unsupported(&err) => tracing::debug!(
            path = %path.display(),
            "the file system keeps no extended attributes, so the file's origin is not recorded: {err}"
        ),
        Ok((path, Err(err))) => tracing::warn!(
            path = %path.display(),
            "could not record where the file came from: {err}"
        ),
        Err(err) => tracing::warn!("recording a file's origin stopped: {err}"),
    }
}

fn unsupported(err: &io::Error) -> bool {
    #[cfg(unix)]
    let refused = err.raw_os_error() == Some(libc::ENOTSUP);
    #[cfg(not(unix))]
    let refused = false;
    refused || err.kind() == io::ErrorKind::Unsupported
}

/// Everything but RFC 3986's unreserved characters percent-encoded, so an id with `&`, `=`, `#` or spaces stays one
/// value of the fragment.
fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(target_os = "linux")]
fn write(path: &Path, origin: &Origin) -> io::Result<()> {
    let file = open_no_follow(path)?;
    set_attribute(&file, c"user.xdg.origin.url", origin.url.as_bytes())?;
    set_attribute(&file, c"user.xdg.referrer.url", origin.referrer.as_bytes())
}

#[cfg(target_os = "macos")]
fn write(path: &Path, _origin: &Origin) -> io::Result<()> {
    // The URL itself lives in LaunchServices' quarantine database, which only its private API writes; the flag
    // (0x0083: downloaded, not yet approved) is what makes Gatekeeper check the file before it first runs.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let value = format!("0083;{now:08x};Docket;");
    let file = open_no_follow(path)?;
    set_attribute(&file, c"com.apple.quarantine", value.as_bytes())
}

#[cfg(windows)]
fn write(path: &Path, origin: &Origin) -> io::Result<()> {
    let mut stream = path.as_os_str().to_owned();
    stream.push(":Zone.Identifier");
    let zone = format!(
        "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl={}\r\nHostUrl={}\r\n",
        origin.referrer, origin.url
    );
    std::fs::write(std::path::PathBuf::from(stream), zone)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn write(_path: &Path, _origin: &Origin) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The file itself, never what a symlink put in its place points to.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(target_os = "linux")]
fn set_attribute(file: &std::fs::File, name: &std::ffi::CStr, value: &[u8]) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open for the call, `name` is NUL-terminated and `value` is valid for its length.
    let done = unsafe {
        libc::fsetxattr(
            file.as_raw_fd(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(target_os = "macos")]
fn set_attribute(file: &std::fs::File, name: &std::ffi::CStr, value: &[u8]) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open for the call, `name` is NUL-terminated and `value` is valid for its length.
    let done = unsafe {
        libc::fsetxattr(
            file.as_raw_fd(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
            0,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_the_servers_address_with_the_document_in_the_fragment() {
        let origin = Origin::of(
            "https://ir.example.com/",
            "/Finance/Q1 Report.pdf",
            Some("2000000"),
        )
        .unwrap();
        assert_eq!(
            origin.url,
            "https://ir.example.com/#document=%2FFinance%2FQ1%20Report.pdf&version=2000000"
        );
        assert_eq!(origin.referrer, "https://ir.example.com/");
    }

    #[test]
    fn credentials_in_the_configured_address_are_left_out() {
        let origin = Origin::of(
            "https://ada:hunter2@api.example.com/v1?api_key=s3cret#x",
            "doc-1001",
            None,
        )
        .unwrap();
        assert_eq!(origin.url, "https://api.example.com/v1#document=doc-1001");
        assert_eq!(origin.referrer, "https://api.example.com/v1");
        for secret in ["ada", "hunter2", "api_key", "s3cret"] {
            assert!(!origin.url.contains(secret), "{}", origin.url);
        }
    }

    #[test]
    fn an_id_with_fragment_syntax_stays_one_value() {
        let origin = Origin::of("http://127.0.0.1:47801", "a&version=9#b", None).unwrap();
        assert_eq!(
            origin.url,
            "http://127.0.0.1:47801/#document=a%26version%3D9%23b"
        );
    }

    #[test]
    fn an_address_that_is_not_http_records_nothing() {
        assert_eq!(Origin::of("file:///etc/passwd", "doc", None), None);
        assert_eq!(Origin::of("not a url", "doc", None), None);
    }
}
