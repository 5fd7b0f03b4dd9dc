//! The JSON shapes of the IndexSDK API, read leniently: ids may come as numbers, optional fields as `null`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Every answer: `{statusCode, data, message}`; the auth page writes `status` instead of `statusCode`.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(rename = "statusCode", default, deserialize_with = "status_code")]
    pub status_code: Option<u16>,
    #[serde(default, deserialize_with = "status_code")]
    pub status: Option<u16>,
    #[serde(default)]
    pub data: Value,
    #[serde(default)]
    pub message: Option<String>,
}

impl Envelope {
    /// The status the body claims, whichever of the two spellings it used.
    pub fn code(&self) -> Option<u16> {
        self.status_code.or(self.status)
    }
}

/// `data` of `generate-client-auth-token`: the download page says `access_token`, the auth page `auth_token`.
#[derive(Debug, Deserialize)]
pub struct TokenData {
    #[serde(alias = "auth_token")]
    pub access_token: String,
}

/// `data` of `POST /download`.
#[derive(Debug, Deserialize)]
pub struct DownloadData {
    pub download_url: String,
}

/// One document of `get-documents` or `get-document-details`.
#[derive(Debug, Clone, Deserialize)]
pub struct DocumentRecord {
    #[serde(deserialize_with = "id")]
    pub document_id: String,
    pub document_name: String,
    #[serde(default)]
    pub document_type: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    pub collection_id: Option<String>,
    #[serde(default)]
    pub document_file_path: Option<String>,
    #[serde(default)]
    pub document_url: Option<String>,
    #[serde(default)]
    pub document_tags: Option<Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub collection_name: Option<String>,
}

impl DocumentRecord {
    /// A URL-based document: it has a link but no uploaded file, so the download routes refuse it.
    pub fn is_url_based(&self) -> bool {
        let has = |field: &Option<String>| field.as_deref().is_some_and(|v| !v.trim().is_empty());
        has(&self.document_url) && !has(&self.document_file_path)
    }
}

fn status_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    optional_id(deserializer)?.ok_or_else(|| serde::de::Error::custom("document_id is missing"))
}

fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_token_answer_forms_are_read() {
        let download_page: Envelope = serde_json::from_str(
            r#"{"statusCode":200,"data":{"access_token":"a"},"message":"OKAY"}"#,
        )
        .unwrap();
        let auth_page: Envelope =
            serde_json::from_str(r#"{"status":200,"data":{"auth_token":"b"}}"#).unwrap();
        assert_eq!(download_page.code(), Some(200));
        assert_eq!(auth_page.code(), Some(200));
        let a: TokenData = serde_json::from_value(download_page.data).unwrap();
        let b: TokenData = serde_json::from_value(auth_page.data).unwrap();
        assert_eq!(
            (a.access_token.as_str(), b.access_token.as_str()),
            ("a", "b")
        );
    }

    #[test]
    fn a_document_with_a_link_and_no_file_path_is_url_based() {
        let record: DocumentRecord = serde_json::from_str(
            r#"{"document_id":7,"document_name":"Guide","document_url":"https://example.com/g",
                "document_file_path":null,"collection_id":"c1","created_at":"x","updated_at":"y"}"#,
        )
        .unwrap();
        assert_eq!(record.document_id, "7");
        assert!(record.is_url_based());
    }
}
