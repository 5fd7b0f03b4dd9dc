//! Which addresses a remote may use: HTTPS anywhere, plain HTTP only on this machine (the demo server, a local
//! tunnel) unless the user allows it for that remote, because over HTTP every token, password and document
//! travels readable by anyone on the way.

use docket_core::{ProviderError, RemoteConfig, SettingSpec, ValueRule};
use url::{Host, Url};

/// The setting that lets one remote use plain HTTP to another machine.
pub const ALLOW_INSECURE_HTTP: SettingSpec = SettingSpec::optional(
    "allow_insecure_http",
    "`true` lets this remote use plain http:// to another machine (credentials and documents travel unencrypted)",
)
.accepting(ValueRule::Flag);

/// Refuses an address Docket should not send credentials to, saying why and what to do.
pub fn check_transport(config: &RemoteConfig) -> Result<(), ProviderError> {
    let url = Url::parse(config.base_url()).map_err(|err| ProviderError::InvalidRequest {
        message: format!(
            "remote `{}` has the address `{}`, which is not a URL ({err}): use https://host[:port][/path]",
            config.name, config.url
        ),
    })?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) || allows_insecure_http(config)? => Ok(()),
        "http" => Err(ProviderError::InvalidRequest {
            message: format!(
                "remote `{}` uses plain http:// to {}, so its credentials and documents would travel unencrypted: \
                 use an https:// address, or if you trust the network allow it explicitly with \
                 `--set {}=true`",
                config.name,
                url.host_str().unwrap_or_default(),
                ALLOW_INSECURE_HTTP.key
            ),
        }),
        other => Err(ProviderError::InvalidRequest {
            message: format!(
                "remote `{}` has the address `{}`: Docket speaks https:// (and http:// on this machine), not {other}://",
                config.name, config.url
            ),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn allows_insecure_http(config: &RemoteConfig) -> Result<bool, ProviderError> {
    match config.setting(ALLOW_INSECURE_HTTP.key) {
        None => Ok(false),
        Some(value) if value.eq_ignore_ascii_case("true") => Ok(true),
        Some(value) if value.eq_ignore_ascii_case("false") => Ok(false),
        Some(value) => Err(ProviderError::InvalidRequest {
            message: format!(
                "remote `{}`: {} is `{value}`; use `true` or `false`",
                config.name, ALLOW_INSECURE_HTTP.key
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(url: &str, allow: Option<&str>) -> RemoteConfig {
        let mut config = RemoteConfig {
            name: "room".into(),
            kind: crate::index_health::KIND,
            url: url.into(),
            settings: Default::default(),
        };
        if let Some(allow) = allow {
            config
                .settings
                .insert(ALLOW_INSECURE_HTTP.key.into(), allow.into());
        }
        config
    }

    #[test]
    fn https_anywhere_and_http_on_this_machine_are_accepted() {
        for url in [
            "https://rooms.example.com",
            "http://127.0.0.1:7400",
            "http://127.0.0.2:9000/api",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(check_transport(&remote(url, None)).is_ok(), "{url}");
        }
    }

    #[test]
    fn http_to_another_machine_is_refused_naming_the_setting_unless_allowed() {
        let err = check_transport(&remote("http://rooms.example.com", None)).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("unencrypted"), "{message}");
        assert!(message.contains("allow_insecure_http=true"), "{message}");
        assert!(check_transport(&remote("http://10.0.0.5", Some("false"))).is_err());
        assert!(check_transport(&remote("http://10.0.0.5", Some("true"))).is_ok());
        assert!(check_transport(&remote("http://10.0.0.5", Some("yes"))).is_err());
    }

    #[test]
    fn other_schemes_and_non_urls_are_refused() {
        assert!(check_transport(&remote("ftp://files.example.com", None)).is_err());
        assert!(check_transport(&remote("rooms.example.com", None)).is_err());
    }
}
