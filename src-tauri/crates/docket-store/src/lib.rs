//! Where Docket keeps things between runs: the remotes (non-secret settings) in the data dir and their secrets
//! in the OS keyring. The CLI and the desktop app share both.

pub mod remotes;
pub mod secrets;

pub use remotes::{RemoteBook, RemoteBookError};
pub use secrets::{SecretStore, SecretStoreError};
