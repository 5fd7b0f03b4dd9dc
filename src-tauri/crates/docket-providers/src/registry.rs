//! The kinds Docket speaks: one line per provider module. Everything that loops over kinds (CLI help, `--kind`
//! parsing, forms, the welcome text) iterates this list, and a kind id no entry claims is an [`UnknownKind`].

use docket_core::{Kind, UnknownKind};

use crate::{ansarada, index_health, inforouter, sage_active, study_creator, ProviderEntry};

/// Every registered kind, in the order people see them listed.
pub const REGISTRY: &[&ProviderEntry] = &[
    &ansarada::ENTRY,
    &index_health::ENTRY,
    &inforouter::ENTRY,
    &sage_active::ENTRY,
    &study_creator::ENTRY,
];

/// Every registered entry, in registry order.
pub fn entries() -> impl Iterator<Item = &'static ProviderEntry> {
    REGISTRY.iter().copied()
}

/// Every registered kind, in registry order.
pub fn kinds() -> impl Iterator<Item = Kind> {
    entries().map(|entry| entry.kind)
}

/// The registry entry of `kind`, or why there is none.
pub fn entry(kind: Kind) -> Result<&'static ProviderEntry, UnknownKind> {
    entries()
        .find(|entry| entry.kind == kind)
        .ok_or_else(|| unknown(kind.id()))
}

/// The entry whose id is `text`, ignoring case and surrounding space (as users type it).
pub fn find(text: &str) -> Result<&'static ProviderEntry, UnknownKind> {
    entries()
        .find(|entry| entry.kind.is_named(text))
        .ok_or_else(|| unknown(text))
}

/// The error for `given`, listing the ids that would have been understood.
pub fn unknown(given: &str) -> UnknownKind {
    UnknownKind {
        given: given.to_owned(),
        known: kinds().map(|kind| kind.id().to_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_registry_entry() {
        for kind in kinds() {
            let count = kinds().filter(|k| *k == kind).count();
            assert_eq!(count, 1, "{kind} has {count} registry entries");
        }
    }

    #[test]
    fn every_kind_is_found_by_its_id() {
        for kind in kinds() {
            assert_eq!(find(kind.id()).map(|e| e.kind), Ok(kind));
            assert_eq!(entry(kind).map(|e| e.kind), Ok(kind));
        }
    }

    #[test]
    fn kind_ids_ignore_case_and_surrounding_space() {
        assert_eq!(
            find(" Index-Health ").map(|e| e.kind),
            Ok(index_health::KIND)
        );
    }

    #[test]
    fn an_unknown_kind_names_the_input_and_the_valid_choices() {
        let err = find("dropbox").err().expect("dropbox is no kind");
        let message = err.to_string();
        assert!(message.contains("`dropbox`"), "{message}");
        assert!(message.contains("ansarada, index-health, inforouter, sage-active, study-creator"));
    }

    #[test]
    fn a_stored_kind_that_is_no_longer_registered_is_an_error_naming_it() {
        let err = entry(Kind::new("retired")).err().expect("not registered");
        assert!(err.to_string().contains("`retired`"), "{err}");
    }

    #[test]
    fn only_inforouter_uses_a_chunked_handler() {
        let chunked: Vec<Kind> = entries()
            .filter(|e| e.transfer_shape == docket_core::TransferShape::ChunkedHandler)
            .map(|e| e.kind)
            .collect();
        assert_eq!(chunked, vec![inforouter::KIND]);
    }
}
