//! The page token of an entity-type listing. Entities are read off files sorted by entity id, so one entity's
//! files can straddle two server pages: the token keeps the server's cursor and the last entity already shown.

use serde::{Deserialize, Serialize};

use docket_core::{PageToken, ProviderError};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCursor {
    /// The server's `endCursor` to continue after.
    pub after: Option<String>,
    /// The last entity id listed so far; files of it on the next page are not listed again.
    pub last: Option<String>,
}

impl EntityCursor {
    pub fn decode(token: Option<&PageToken>) -> Result<EntityCursor, ProviderError> {
        match token {
            None => Ok(EntityCursor::default()),
            Some(token) => {
                serde_json::from_str(&token.0).map_err(|_| ProviderError::InvalidRequest {
                    message: "this page token does not belong to a Sage Active entity listing"
                        .into(),
                })
            }
        }
    }

    pub fn encode(&self) -> PageToken {
        // Serialising two optional strings cannot fail; the fallback keeps the signature honest.
        PageToken(serde_json::to_string(self).unwrap_or_default())
    }
}

/// Appends each entity id not seen before, keeping order; `last` is updated to the last one seen.
pub fn distinct_entities(
    ids: impl IntoIterator<Item = String>,
    last: &mut Option<String>,
) -> Vec<String> {
    let mut fresh = Vec::new();
    for id in ids {
        if last.as_deref() == Some(id.as_str()) || fresh.contains(&id) {
            continue;
        }
        *last = Some(id.clone());
        fresh.push(id);
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips() {
        let cursor = EntityCursor {
            after: Some("NDk5".into()),
            last: Some("c-17".into()),
        };
        assert_eq!(
            EntityCursor::decode(Some(&cursor.encode())).unwrap(),
            cursor
        );
    }

    #[test]
    fn a_foreign_token_is_refused() {
        let err = EntityCursor::decode(Some(&PageToken("bm90IGpzb24=".into()))).unwrap_err();
        assert!(matches!(err, ProviderError::InvalidRequest { .. }));
    }

    #[test]
    fn an_entity_straddling_two_pages_is_listed_once() {
        let mut last = None;
        let first = distinct_entities(["a", "a", "b"].map(String::from), &mut last);
        let second = distinct_entities(["b", "b", "c"].map(String::from), &mut last);
        assert_eq!(first, ["a", "b"]);
        assert_eq!(second, ["c"]);
        assert_eq!(last.as_deref(), Some("c"));
    }
}
