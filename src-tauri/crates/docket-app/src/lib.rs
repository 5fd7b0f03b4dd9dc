//! Docket's application core: what the window and the `docket` command both need, so neither wires the engine
//! itself. It opens the data dir ([`Workspace`]), keeps the configured remotes with their secrets and one
//! provider each ([`Remotes`]), finds providers for the transfer queue without losing whether a failure is
//! worth retrying ([`QueueDirectory`]), fetches the beginning of a document for a preview ([`preview`]), and
//! holds the transfer settings' defaults ([`settings`]). A front end that stays open keeps the queue working
//! through [`ResidentQueue`]; an edited remote keeps its saved secrets only as [`secret_reuse`] allows.

pub mod directory;
pub mod error;
pub mod folders;
pub mod preview;
pub mod remotes;
pub mod resident_queue;
pub mod secret_reuse;
pub mod settings;
pub mod workspace;

pub use directory::QueueDirectory;
pub use error::AppError;
pub use remotes::Remotes;
pub use resident_queue::ResidentQueue;
pub use settings::TransferSettings;
pub use workspace::Workspace;
