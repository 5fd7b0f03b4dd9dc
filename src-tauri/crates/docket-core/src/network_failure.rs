//! A network failure in words a person can act on: where (host and port, never the URL: a presigned URL's query
//! string is a credential) and what happened (connection refused, name not found, TLS, no answer within N s,
//! reset). reqwest's own text reads "error sending request" for all of them.

use std::error::Error as StdError;
use std::io;

use crate::http::{CONNECT_TIMEOUT, READ_TIMEOUT};

/// `host:port: cause`, or just the cause when the request had no URL.
pub fn describe(err: &reqwest::Error) -> String {
    let cause = cause(err);
    match place(err) {
        Some(place) => format!("{place}: {cause}"),
        None => cause,
    }
}

/// What happened, without where.
pub fn cause(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return if err.is_connect() {
            format!("could not connect within {} s", CONNECT_TIMEOUT.as_secs())
        } else {
            format!("no answer within {} s", READ_TIMEOUT.as_secs())
        };
    }
    for layer in causes(err) {
        if let Some(io) = layer.downcast_ref::<io::Error>() {
            if let Some(words) = io_words(io) {
                return words.to_owned();
            }
        }
        if let Some(tls) = layer.downcast_ref::<rustls::Error>() {
            return format!("the TLS handshake failed ({tls})");
        }
        let text = layer.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return format!(
                "the server's name could not be resolved (DNS: {})",
                innermost(layer)
            );
        }
        if text.contains("connection closed before message completed") {
            return "the server closed the connection without answering".to_owned();
        }
        if text.contains("invalid HTTP version") || text.contains("invalid HTTP") {
            return "the server did not answer in HTTP (is it an HTTPS port, or another service?)"
                .to_owned();
        }
    }
    if err.is_connect() {
        return format!("could not connect ({})", innermost(err));
    }
    innermost(err)
}

fn io_words(err: &io::Error) -> Option<&'static str> {
    Some(match err.kind() {
        io::ErrorKind::ConnectionRefused => {
            "connection refused (nothing listens there, or a firewall refused it)"
        }
        io::ErrorKind::ConnectionReset => "the connection was reset",
        io::ErrorKind::ConnectionAborted => "the connection was aborted",
        io::ErrorKind::TimedOut => "the connection timed out",
        io::ErrorKind::UnexpectedEof => "the server closed the connection mid-answer",
        io::ErrorKind::BrokenPipe => "the server closed the connection",
        io::ErrorKind::HostUnreachable => "the host is unreachable",
        io::ErrorKind::NetworkUnreachable => "the network is unreachable",
        io::ErrorKind::NetworkDown => "the network is down",
        io::ErrorKind::AddrNotAvailable => "the address is not available",
        _ => return None,
    })
}

/// The error and what it wraps, outermost first. `io::Error` hides the error it wraps from `source()`, so
/// wrapped errors are looked into as well.
fn causes<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut layers = Vec::new();
    let mut next = Some(err);
    while let Some(layer) = next {
        if layers.len() > 32 {
            break;
        }
        layers.push(layer);
        next = match layer.downcast_ref::<io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn StdError + 'static))
                .or_else(|| io.source()),
            None => layer.source(),
        };
    }
    layers
}

/// The most specific words in the chain (the innermost error's), without any URL.
fn innermost(err: &(dyn StdError + 'static)) -> String {
    let layers = causes(err);
    let deepest = layers.last().copied().unwrap_or(err);
    match deepest.downcast_ref::<reqwest::Error>() {
        Some(reqwest) => reqwest_without_url(reqwest),
        None => deepest.to_string(),
    }
}

fn reqwest_without_url(err: &reqwest::Error) -> String {
    let mut text = String::new();
    if let Some(url) = err.url() {
        let mut bare = url.clone();
        bare.set_query(None);
        bare.set_fragment(None);
        text = err.to_string().replace(url.as_str(), bare.as_str());
    }
    if text.is_empty() {
        text = err.to_string();
    }
    text
}

/// `host:port` of the request.
fn place(err: &reqwest::Error) -> Option<String> {
    let url = err.url()?;
    let host = url.host_str()?;
    Some(match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn failure(url: &str, client: &reqwest::Client) -> reqwest::Error {
        client.get(url).send().await.unwrap_err()
    }

    #[tokio::test]
    async fn a_refused_connection_says_so_with_the_host_and_port() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let err = failure(
            &format!("http://127.0.0.1:{port}/presigned?X-Amz-Signature=secret"),
            &crate::http::client().unwrap(),
        )
        .await;
        let text = describe(&err);
        assert!(
            text.starts_with(&format!("127.0.0.1:{port}: connection refused")),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_a_timeout_after_the_read_limit() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        // Accepts and holds the connection, never writing a byte.
        let held = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(socket);
        });
        let client = reqwest::Client::builder()
            .read_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let err = failure(&format!("http://127.0.0.1:{port}/"), &client).await;
        assert!(err.is_timeout(), "{err:?}");
        let text = describe(&err);
        assert!(text.contains("no answer within"), "{text}");
        held.abort();
    }

    #[tokio::test]
    async fn a_name_that_does_not_resolve_says_dns() {
        let err = failure(
            "http://docket-test.invalid/",
            &crate::http::client().unwrap(),
        )
        .await;
        let text = describe(&err);
        assert!(text.contains("could not be resolved (DNS"), "{text}");
    }

    #[tokio::test]
    async fn a_plain_http_server_spoken_to_in_tls_says_the_handshake_failed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let answering = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 512];
            let _ = socket.read(&mut buffer).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        });
        let err = failure(
            &format!("https://127.0.0.1:{port}/"),
            &crate::http::client().unwrap(),
        )
        .await;
        let text = describe(&err);
        assert!(text.contains("TLS handshake failed"), "{text}");
        answering.abort();
    }

    #[tokio::test]
    async fn a_reset_connection_says_reset() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let resetting = tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 512];
            let _ = socket.read(&mut buffer).await;
            // A close with no linger is a reset.
            #[allow(deprecated)]
            socket.set_linger(Some(Duration::ZERO)).unwrap();
            drop(socket);
        });
        let err = failure(
            &format!("http://127.0.0.1:{port}/"),
            &crate::http::client().unwrap(),
        )
        .await;
        resetting.await.unwrap();
        let text = describe(&err);
        assert!(text.contains("reset"), "{text}");
    }
}
