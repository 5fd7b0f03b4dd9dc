//! With no keyring service reachable, the error says so plainly, says how to fix it, and names the
//! `DOCKET_SECRET_<REMOTE>_<KEY>` alternative; that variable then works. Its own test binary, because it points this
//! process's D-Bus session address nowhere.

use docket_core::Secret;
use docket_store::{SecretStore, SecretStoreError};

#[test]
fn no_reachable_keyring_is_explained_with_the_fix_and_the_environment_alternative() {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/docket-test-no-bus",
    );
    std::env::remove_var("DOCKET_SECRET_HEADLESS_API_KEY");
    let store = SecretStore::for_data_dir("no-keyring-test");

    let err = store
        .store("headless", "api_key", &Secret::new("never-written"))
        .unwrap_err();
    assert!(
        matches!(err, SecretStoreError::Unavailable { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    for needed in [
        "no OS keyring service is reachable",
        "`api_key` secret of remote `headless`",
        "gnome-keyring-daemon",
        "DOCKET_SECRET_HEADLESS_API_KEY",
        "never writes secrets to a file",
    ] {
        assert!(
            message.contains(needed),
            "`{needed}` missing from: {message}"
        );
    }

    assert!(matches!(
        store.load("headless", "api_key"),
        Err(SecretStoreError::Unavailable { .. })
    ));
    std::env::set_var("DOCKET_SECRET_HEADLESS_API_KEY", "from-the-environment");
    assert_eq!(
        store.load("headless", "api_key").unwrap().expose(),
        "from-the-environment"
    );
}
