//! Where a listing is. Sage Active has no folders: files hang off business entities. Docket shows the entity
//! types at the root, a type's entities below it, and an entity's files below that.

use docket_core::{Location, ProviderError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The entity types that have files (`Customer`, `Supplier`, `AccountingEntry`).
    Root,
    /// `Customer`: the entities of one type that have files.
    EntityType(String),
    /// `Customer/<entityId>`: one entity's files.
    Entity {
        entity_type: String,
        entity_id: String,
    },
}

impl Place {
    /// Parses `Type` or `Type/<entityId>`; surrounding slashes are ignored. The entity id is everything after the
    /// first slash, so an id containing a slash still works.
    pub fn parse(location: &Location) -> Result<Place, ProviderError> {
        let Some(text) = location.as_deref() else {
            return Ok(Place::Root);
        };
        let text = text.trim().trim_matches('/');
        if text.is_empty() {
            return Ok(Place::Root);
        }
        match text.split_once('/') {
            None => Ok(Place::EntityType(text.to_owned())),
            Some((entity_type, entity_id)) => {
                let (entity_type, entity_id) = (entity_type.trim(), entity_id.trim());
                if entity_type.is_empty() || entity_id.is_empty() {
                    return Err(ProviderError::InvalidRequest {
                        message: format!(
                            "`{text}` is not a Sage Active location: use an entity type such as `Customer`, or \
                             `Customer/<entityId>`"
                        ),
                    });
                }
                Ok(Place::Entity {
                    entity_type: entity_type.to_owned(),
                    entity_id: entity_id.to_owned(),
                })
            }
        }
    }

    /// The location string of an entity, as listings return it and `Place::parse` reads it back.
    pub fn entity_location(entity_type: &str, entity_id: &str) -> String {
        format!("{entity_type}/{entity_id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_location_and_a_lone_slash_are_the_root() {
        assert_eq!(Place::parse(&Location::root()).unwrap(), Place::Root);
        assert_eq!(Place::parse(&Location::at("/")).unwrap(), Place::Root);
    }

    #[test]
    fn a_type_alone_lists_its_entities() {
        assert_eq!(
            Place::parse(&Location::at("Customer/")).unwrap(),
            Place::EntityType("Customer".into())
        );
    }

    #[test]
    fn a_type_and_an_entity_id_list_that_entitys_files() {
        let place = Place::parse(&Location::at("/Supplier/5a1e-77/")).unwrap();
        assert_eq!(
            place,
            Place::Entity {
                entity_type: "Supplier".into(),
                entity_id: "5a1e-77".into()
            }
        );
        assert_eq!(
            Place::entity_location("Supplier", "5a1e-77"),
            "Supplier/5a1e-77"
        );
    }

    #[test]
    fn an_entity_id_of_only_spaces_is_refused() {
        let err = Place::parse(&Location::at("Customer/ /")).unwrap_err();
        assert!(
            matches!(err, ProviderError::InvalidRequest { .. }),
            "{err:?}"
        );
    }
}
