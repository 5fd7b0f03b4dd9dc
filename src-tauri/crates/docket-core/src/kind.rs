//! The identifier of a document-server kind, and what a kind's downloads look like to the transfer engine.
//!
//! Core keeps no list of kinds: each provider module declares its own `KIND` and the provider registry
//! (`docket_providers::registry`) is the only place that knows which kinds exist. A `Kind` is just the id, so a
//! stored or typed id that no registered kind claims is reported when it is looked up there.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest kind id; ids are short words such as `index-health`.
pub const MAX_KIND_ID_LEN: usize = 31;

/// One document-server API, by id (`ansarada`, `index-health`, ...). The id is what users type and what the data
/// dir stores, so it never changes once released. Cheap to copy: the id is kept inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind {
    bytes: [u8; MAX_KIND_ID_LEN],
    len: u8,
}

/// How the bytes of a document reach the disk, as the transfer engine sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransferShape {
    /// A GET-able URL that may expire and is minted again on demand.
    RefreshableUrl,
    /// A server-side staged file read in chunks by offset.
    ChunkedHandler,
}

impl Kind {
    /// The kind with this id. For constants: an id that is empty, longer than [`MAX_KIND_ID_LEN`] or not made of
    /// lowercase ASCII letters, digits and `-` fails to compile there.
    pub const fn new(id: &str) -> Kind {
        match Kind::checked(id) {
            Some(kind) => kind,
            None => panic!("a kind id is 1 to 31 lowercase ASCII letters, digits and `-`"),
        }
    }

    /// The kind with this id, or `None` when `id` is not shaped like one (see [`Kind::new`]).
    pub const fn checked(id: &str) -> Option<Kind> {
        let given = id.as_bytes();
        if given.is_empty() || given.len() > MAX_KIND_ID_LEN {
            return None;
        }
        let mut bytes = [0u8; MAX_KIND_ID_LEN];
        let mut at = 0;
        while at < given.len() {
            let byte = given[at];
            if !(byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-') {
                return None;
            }
            bytes[at] = byte;
            at += 1;
        }
        Some(Kind {
            bytes,
            len: given.len() as u8,
        })
    }

    /// The identifier used on the command line, in the data dir and across IPC.
    pub fn id(&self) -> &str {
        // Construction admits only ASCII, so this never falls back.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// Whether `text` names this kind, ignoring case and surrounding space (as users type it).
    pub fn is_named(&self, text: &str) -> bool {
        self.id().eq_ignore_ascii_case(text.trim())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kind({})", self.id())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Kind::checked(&text.trim().to_ascii_lowercase())
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a server kind id")))
    }
}

/// A kind name that Docket does not know; its message lists the ones it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown server kind `{given}`: use one of {}", known.join(", "))]
pub struct UnknownKind {
    pub given: String,
    /// The ids of the kinds that are registered, in registration order.
    pub known: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: Kind = Kind::new("index-health");

    #[test]
    fn a_kind_is_its_id() {
        assert_eq!(SAMPLE.id(), "index-health");
        assert_eq!(SAMPLE.to_string(), "index-health");
    }

    #[test]
    fn ids_are_matched_ignoring_case_and_surrounding_space() {
        assert!(SAMPLE.is_named(" Index-Health "));
        assert!(!SAMPLE.is_named("index"));
    }

    #[test]
    fn text_that_cannot_be_an_id_is_no_kind() {
        for text in [
            "",
            "has space",
            "UPPER",
            "a-very-long-kind-id-that-goes-on-and-on",
        ] {
            assert_eq!(Kind::checked(text), None, "{text}");
        }
    }

    #[test]
    fn an_unknown_kind_names_the_input_and_the_valid_choices() {
        let err = UnknownKind {
            given: "dropbox".into(),
            known: vec!["ansarada".into(), "inforouter".into()],
        };
        let message = err.to_string();
        assert!(message.contains("`dropbox`"), "{message}");
        assert!(message.contains("ansarada, inforouter"), "{message}");
    }

    #[test]
    fn serde_uses_the_same_ids_as_the_command_line() {
        let json = serde_json::to_string(&SAMPLE).unwrap();
        assert_eq!(json, "\"index-health\"");
        assert_eq!(serde_json::from_str::<Kind>(&json).unwrap(), SAMPLE);
        assert!(serde_json::from_str::<Kind>("\"no such kind!\"").is_err());
    }
}
