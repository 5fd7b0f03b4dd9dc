//! Relay global ids as Ansarada writes them: base64 of `DataRoomDocument:<room>:<doc>`,
//! `DataRoomFolder:<room>:<folder>` and `DataRoomDocumentDownload:<uuid>`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The demo data room's number (the one in the vendor's own examples).
pub const ROOM: u32 = 67394;

/// What a global id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobalId {
    Document(u32),
    Folder(u32),
    Download(String),
}

impl GlobalId {
    pub fn encode(&self) -> String {
        let plain = match self {
            GlobalId::Document(id) => format!("DataRoomDocument:{ROOM}:{id}"),
            GlobalId::Folder(id) => format!("DataRoomFolder:{ROOM}:{id}"),
            GlobalId::Download(uuid) => format!("DataRoomDocumentDownload:{uuid}"),
        };
        STANDARD.encode(plain)
    }

    /// `None` for text that is not a global id of this data room.
    pub fn decode(id: &str) -> Option<GlobalId> {
        let bytes = STANDARD.decode(id.trim()).ok()?;
        let plain = String::from_utf8(bytes).ok()?;
        let (kind, rest) = plain.split_once(':')?;
        if kind == "DataRoomDocumentDownload" {
            return Some(GlobalId::Download(rest.to_owned()));
        }
        let (room, number) = rest.split_once(':')?;
        if room.parse::<u32>().ok()? != ROOM {
            return None;
        }
        let number: u32 = number.parse().ok()?;
        match kind {
            "DataRoomDocument" => Some(GlobalId::Document(number)),
            "DataRoomFolder" => Some(GlobalId::Folder(number)),
            _ => None,
        }
    }
}

pub fn document(id: u32) -> String {
    GlobalId::Document(id).encode()
}

pub fn folder(id: u32) -> String {
    GlobalId::Folder(id).encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_vendors_examples() {
        assert_eq!(
            GlobalId::decode("RGF0YVJvb21Eb2N1bWVudDo2NzM5NDoyMzcwMjcx"),
            Some(GlobalId::Document(2_370_271))
        );
        assert_eq!(
            GlobalId::Download("00000000-0000-0000-0000-000000000000".into()).encode(),
            "RGF0YVJvb21Eb2N1bWVudERvd25sb2FkOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA=="
        );
    }

    #[test]
    fn ids_round_trip_and_other_rooms_are_refused() {
        assert_eq!(GlobalId::decode(&folder(3)), Some(GlobalId::Folder(3)));
        let other_room = STANDARD.encode("DataRoomDocument:1:1001");
        assert_eq!(GlobalId::decode(&other_room), None);
        assert_eq!(GlobalId::decode("not base64!"), None);
    }
}
