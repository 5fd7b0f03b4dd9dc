//! Without a keyring, secrets come from the environment, one variable per remote: a variable meant for one
//! remote never reaches another. The older `DOCKET_SECRET_<KEY>` names no remote and is read only while a single
//! configured remote takes that secret. Its own test binary, because it points this process's D-Bus session
//! address nowhere; each test uses a secret key of its own, so their variables never meet.

use docket_store::{SecretStore, SecretStoreError};

/// A store with no keyring to reach, knowing `remotes` (name and the secret keys it takes).
fn store_without_keyring(remotes: &[(&str, &[&str])]) -> SecretStore {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/docket-test-no-bus",
    );
    let store = SecretStore::for_data_dir("environment-test");
    store.set_configured_remotes(remotes.iter().map(|(name, keys)| {
        (
            (*name).to_owned(),
            keys.iter().map(|k| (*k).to_owned()).collect(),
        )
    }));
    store
}

fn refusal(store: &SecretStore, remote: &str, key: &str) -> String {
    match store.load(remote, key) {
        Err(err @ SecretStoreError::Unavailable { .. }) => err.to_string(),
        other => panic!("{remote}/{key}: expected no secret, got {other:?}"),
    }
}

#[test]
fn a_remotes_own_variable_supplies_that_remote_and_no_other() {
    let store = store_without_keyring(&[("room-a", &["token"]), ("room-b", &["token"])]);
    std::env::set_var("DOCKET_SECRET_ROOM_A_TOKEN", "token-of-a");
    assert_eq!(
        store.load("room-a", "token").unwrap().expose(),
        "token-of-a"
    );
    let message = refusal(&store, "room-b", "token");
    assert!(
        message.contains("set DOCKET_SECRET_ROOM_B_TOKEN"),
        "{message}"
    );
}

#[test]
fn the_shared_variable_is_not_sent_to_two_remotes_that_take_that_secret() {
    let store = store_without_keyring(&[("ir-1", &["password"]), ("ir-2", &["password"])]);
    std::env::set_var("DOCKET_SECRET_PASSWORD", "meant-for-one-of-them");
    for remote in ["ir-1", "ir-2"] {
        let message = refusal(&store, remote, "password");
        let own = format!(
            "DOCKET_SECRET_{}_PASSWORD",
            remote.replace('-', "_").to_uppercase()
        );
        assert!(message.contains(&own), "{message}");
    }
}

#[test]
fn the_shared_variable_still_serves_the_one_remote_that_takes_that_secret() {
    let store = store_without_keyring(&[("ih", &["client_secret"]), ("room", &["token"])]);
    std::env::set_var("DOCKET_SECRET_CLIENT_SECRET", "the-client-secret");
    assert_eq!(
        store.load("ih", "client_secret").unwrap().expose(),
        "the-client-secret"
    );
    let unknown = store_without_keyring(&[]);
    let message = refusal(&unknown, "ih", "client_secret");
    assert!(
        message.contains("DOCKET_SECRET_IH_CLIENT_SECRET"),
        "a store that knows no remotes reads only the remote's own variable: {message}"
    );
}

#[test]
fn a_remotes_own_variable_wins_over_the_shared_one() {
    let store = store_without_keyring(&[("sage", &["token", "api_key"])]);
    std::env::set_var("DOCKET_SECRET_API_KEY", "shared-key");
    std::env::set_var("DOCKET_SECRET_SAGE_API_KEY", "sage-key");
    assert_eq!(store.load("sage", "api_key").unwrap().expose(), "sage-key");
}

#[test]
fn two_remotes_whose_names_spell_the_same_variable_get_nothing_from_it() {
    let store = store_without_keyring(&[("my-room", &["pin"]), ("my_room", &["pin"])]);
    std::env::set_var("DOCKET_SECRET_MY_ROOM_PIN", "whose-is-it");
    refusal(&store, "my-room", "pin");
    refusal(&store, "my_room", "pin");
}
