//! The document-server kinds Docket speaks, and what each one's downloads look like to the transfer engine.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One document-server API. The string form (`ansarada`, `index-health`, ...) is what users type and what the
/// data dir stores, so it never changes once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Ansarada,
    IndexHealth,
    Inforouter,
    SageActive,
    StudyCreator,
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
    pub const ALL: [Kind; 5] = [
        Kind::Ansarada,
        Kind::IndexHealth,
        Kind::Inforouter,
        Kind::SageActive,
        Kind::StudyCreator,
    ];

    /// The identifier used on the command line, in the data dir and across IPC.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Ansarada => "ansarada",
            Kind::IndexHealth => "index-health",
            Kind::Inforouter => "inforouter",
            Kind::SageActive => "sage-active",
            Kind::StudyCreator => "study-creator",
        }
    }

    /// The vendor's product name, for people.
    pub fn display_name(self) -> &'static str {
        match self {
            Kind::Ansarada => "Ansarada data room",
            Kind::IndexHealth => "Index Health",
            Kind::Inforouter => "infoRouter",
            Kind::SageActive => "Sage Active",
            Kind::StudyCreator => "Kids First study creator",
        }
    }

    /// What a download from this kind of server involves, in one line a user can read.
    pub fn download_summary(self) -> &'static str {
        match self {
            Kind::Ansarada => {
                "GraphQL; downloads are prepared as a job, then fetched from a presigned URL"
            }
            Kind::IndexHealth => {
                "REST with a client token; presigned URL valid 1 hour, or a direct download"
            }
            Kind::Inforouter => {
                "staged download handler read in base64 chunks, each checked with CRC32"
            }
            Kind::SageActive => "GraphQL files query; short links valid 10 minutes, HTML previews",
            Kind::StudyCreator => "JWT or developer token; single-use signed URLs",
        }
    }

    pub fn transfer_shape(self) -> TransferShape {
        match self {
            Kind::Inforouter => TransferShape::ChunkedHandler,
            Kind::Ansarada | Kind::IndexHealth | Kind::SageActive | Kind::StudyCreator => {
                TransferShape::RefreshableUrl
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A kind name that Docket does not know; its message lists the ones it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown server kind `{given}`: use one of {}", Kind::ALL.map(Kind::id).join(", "))]
pub struct UnknownKind {
    pub given: String,
}

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Kind::ALL
            .into_iter()
            .find(|kind| kind.id().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownKind {
                given: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_id() {
        for kind in Kind::ALL {
            assert_eq!(kind.id().parse::<Kind>(), Ok(kind));
        }
    }

    #[test]
    fn kind_ids_ignore_case_and_surrounding_space() {
        assert_eq!(" Index-Health ".parse::<Kind>(), Ok(Kind::IndexHealth));
    }

    #[test]
    fn an_unknown_kind_names_the_input_and_the_valid_choices() {
        let err = "dropbox".parse::<Kind>().unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`dropbox`"), "{message}");
        assert!(message.contains("ansarada, index-health, inforouter, sage-active, study-creator"));
    }

    #[test]
    fn serde_uses_the_same_ids_as_the_command_line() {
        for kind in Kind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.id()));
        }
    }

    #[test]
    fn only_inforouter_uses_a_chunked_handler() {
        let chunked: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| k.transfer_shape() == TransferShape::ChunkedHandler)
            .collect();
        assert_eq!(chunked, vec![Kind::Inforouter]);
    }
}
