//! Presigned storage URLs in the shape of S3's query-string authentication (SigV4):
//! `/s3/<bucket>/<room>/<job>/<file>?X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-Expires=...
//! &X-Amz-SignedHeaders=host&X-Amz-Signature=...`. The signature is a keyed SHA-256 over the path and every other
//! parameter, so changing any of them (the expiry included) breaks it.

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::ids::ROOM;
use crate::timestamp::Timestamp;

pub const BUCKET: &str = "ansarada-dataroom-downloads";
const ACCESS_KEY: &str = "AKIADEMOANSARADA0001";
const REGION: &str = "ap-southeast-2";
/// Known only to the demo server; a client cannot forge a signature without it.
const SIGNING_KEY: &str = "docket-demo/ansarada/presign-key";

/// A URL the storage honours until `issued + ttl`.
pub fn presign(
    base_url: &str,
    job: &str,
    file_name: &str,
    issued: Timestamp,
    ttl: Duration,
) -> String {
    let path = format!("/s3/{BUCKET}/{ROOM}/{job}/{}", encode(file_name));
    let date = amz_date(issued);
    let query = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={ACCESS_KEY}%2F{}%2F{REGION}%2Fs3%2Faws4_request\
         &X-Amz-Date={date}&X-Amz-Expires={}&X-Amz-SignedHeaders=host",
        &date[..8],
        ttl.as_secs()
    );
    let signature = sign(&path, &query);
    format!("{base_url}{path}?{query}&X-Amz-Signature={signature}")
}

/// What a correctly signed request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub job: String,
    pub issued: Timestamp,
    pub expires_in: u64,
}

/// Why a request is refused before its key is even looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 400 `AuthorizationQueryParametersError`.
    MissingParameters,
    /// 403 `SignatureDoesNotMatch`.
    BadSignature,
}

/// Checks the signature of `path` + `query` (both as received, still percent-encoded).
pub fn verify(path: &str, query: &str) -> Result<Signed, Refusal> {
    let (signed_part, signature) = query
        .rsplit_once("&X-Amz-Signature=")
        .ok_or(Refusal::MissingParameters)?;
    let param = |name: &str| {
        signed_part
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    let (Some(_), Some(_), Some(date), Some(expires), Some(_)) = (
        param("X-Amz-Algorithm"),
        param("X-Amz-Credential"),
        param("X-Amz-Date"),
        param("X-Amz-Expires"),
        param("X-Amz-SignedHeaders"),
    ) else {
        return Err(Refusal::MissingParameters);
    };
    if sign(path, signed_part) != signature {
        return Err(Refusal::BadSignature);
    }
    let issued = parse_amz_date(date).ok_or(Refusal::MissingParameters)?;
    let expires_in = expires.parse().map_err(|_| Refusal::MissingParameters)?;
    let job = path
        .strip_prefix(&format!("/s3/{BUCKET}/{ROOM}/"))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned();
    Ok(Signed {
        job,
        issued,
        expires_in,
    })
}

fn sign(path: &str, query: &str) -> String {
    let digest = Sha256::digest(format!("{SIGNING_KEY}\nGET\n{path}\n{query}"));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `20240615T093000Z`
pub fn amz_date(at: Timestamp) -> String {
    at.rfc3339().replace(['-', ':'], "")
}

fn parse_amz_date(text: &str) -> Option<Timestamp> {
    if text.len() != 16 || !text.is_ascii() || &text[8..9] != "T" || !text.ends_with('Z') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    Some(Timestamp::utc(
        i64::from(number(0..4)?),
        number(4..6)?,
        number(6..8)?,
        number(9..11)?,
        number(11..13)?,
        number(13..15)?,
    ))
}

/// Percent-encodes a key segment the way S3 does (unreserved characters stay); also right for RFC 5987 values.
pub fn encode(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The query string and path of a URL, as a server receives them.
#[cfg(test)]
fn split(url: &str) -> (&str, &str) {
    let path_start = url.find("/s3/").unwrap();
    url[path_start..].split_once('?').unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(900);

    fn url() -> String {
        presign(
            "http://127.0.0.1:9",
            "job-1",
            "Notizen von Zoë.txt",
            Timestamp::utc(2024, 6, 15, 9, 30, 0),
            TTL,
        )
    }

    #[test]
    fn a_presigned_url_verifies_and_names_its_job() {
        let url = url();
        assert!(
            url.contains("X-Amz-Date=20240615T093000Z&X-Amz-Expires=900"),
            "{url}"
        );
        assert!(url.contains("/Notizen%20von%20Zo%C3%AB.txt?"), "{url}");
        let (path, query) = split(&url);
        let signed = verify(path, query).unwrap();
        assert_eq!(signed.job, "job-1");
        assert_eq!(signed.expires_in, 900);
        assert_eq!(signed.issued, Timestamp::utc(2024, 6, 15, 9, 30, 0));
    }

    #[test]
    fn stretching_the_expiry_breaks_the_signature() {
        let url = url().replace("X-Amz-Expires=900", "X-Amz-Expires=99999");
        let (path, query) = split(&url);
        assert_eq!(verify(path, query), Err(Refusal::BadSignature));
    }

    #[test]
    fn a_url_without_a_signature_lacks_parameters() {
        let url = url();
        let (path, query) = split(&url);
        let unsigned = query.split("&X-Amz-Signature=").next().unwrap();
        assert_eq!(verify(path, unsigned), Err(Refusal::MissingParameters));
    }
}
