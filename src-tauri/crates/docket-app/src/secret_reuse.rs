//! Which saved secrets an edited remote may keep. A secret left empty in an edit is taken from the keyring only
//! when the remote still points at the kind of server and the origin (scheme, host and port) it was saved for:
//! a draft naming another address or kind (typed by the user, or by a compromised page) gets it typed again.

use docket_core::{Credentials, RemoteConfig};
use docket_store::SecretStoreError;

use crate::error::AppError;
use crate::remotes::Remotes;

/// Why the secrets saved for `stored` must not go where `draft` points, if they must not.
pub fn saved_secrets_belong_elsewhere(
    stored: &RemoteConfig,
    draft: &RemoteConfig,
) -> Option<String> {
    let same_origin = docket_core::redirects::same_origin_text(&stored.url, &draft.url);
    if stored.kind == draft.kind && same_origin {
        return None;
    }
    let described = |config: &RemoteConfig| {
        format!(
            "{} at {}",
            docket_providers::entry(config.kind).map_or(config.kind.id(), |e| e.display_name),
            docket_core::redirects::origin_text(&config.url)
        )
    };
    Some(format!(
        "the saved one belongs to {}, and this connection is {}. Docket sends a saved secret only to the kind of \
         server and the address it was saved for",
        described(stored),
        described(draft)
    ))
}

impl Remotes {
    /// `typed` completed, for the secrets of `config`'s kind left empty, from the keyring under the remote's
    /// previous name `original_name`, when that remote is configured with the same kind and origin
    /// ([`saved_secrets_belong_elsewhere`]); otherwise a required secret left empty must be typed again.
    pub fn complete_credentials(
        &self,
        config: &RemoteConfig,
        typed: &Credentials,
        original_name: Option<&str>,
    ) -> Result<Credentials, AppError> {
        let mut credentials = typed.clone();
        let saved = original_name.and_then(|previous| self.config(previous).ok());
        let elsewhere = saved
            .as_ref()
            .and_then(|stored| saved_secrets_belong_elsewhere(stored, config));
        let specs = docket_providers::entry(config.kind)?.settings;
        for spec in specs.iter().filter(|s| s.secret) {
            if credentials.get(spec.key).is_some() {
                continue;
            }
            let stored = match (&saved, &elsewhere) {
                (Some(_), Some(why)) if spec.required => {
                    return Err(AppError::Usage(format!(
                        "Enter `{}` again: {why}.",
                        spec.key
                    )))
                }
                (Some(stored), None) => match self.secrets.load(&stored.name, spec.key) {
                    Ok(value) => Some(value),
                    Err(SecretStoreError::Missing { .. }) => None,
                    Err(err) => return Err(err.into()),
                },
                _ => None,
            };
            match stored {
                Some(value) => credentials.insert(spec.key, value),
                None if spec.required => {
                    return Err(AppError::Usage(format!(
                        "Fill in `{}`: {}.",
                        spec.key, spec.help
                    )))
                }
                None => {}
            }
        }
        Ok(credentials)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use docket_core::Kind;

    use super::*;

    fn remote(kind: Kind, url: &str) -> RemoteConfig {
        RemoteConfig {
            name: "files".into(),
            kind,
            url: url.into(),
            settings: BTreeMap::from([("username".into(), "ada".into())]),
        }
    }

    #[test]
    fn saved_secrets_go_only_to_the_kind_and_origin_they_were_saved_for() {
        let inforouter = docket_providers::inforouter::KIND;
        let saved = remote(inforouter, "https://ir.example.com/api");
        let same = remote(inforouter, "https://IR.example.com:443/other/path");
        assert_eq!(saved_secrets_belong_elsewhere(&saved, &same), None);
        for (kind, url) in [
            (inforouter, "https://files.attacker.example/api"),
            (inforouter, "http://ir.example.com/api"),
            (inforouter, "https://ir.example.com:8443/api"),
            (
                docket_providers::study_creator::KIND,
                "https://ir.example.com/api",
            ),
        ] {
            let why = saved_secrets_belong_elsewhere(&saved, &remote(kind, url))
                .unwrap_or_else(|| panic!("{kind} at {url} may not reuse the secrets"));
            assert!(
                why.contains("infoRouter at https://ir.example.com,"),
                "{why}"
            );
            let display_name = docket_providers::entry(kind).unwrap().display_name;
            assert!(why.contains(&format!("{display_name} at")), "{why}");
        }
    }
}
