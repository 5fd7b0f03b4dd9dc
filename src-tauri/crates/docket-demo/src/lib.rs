//! Docket's demo server: the five document-server APIs Docket speaks (Ansarada, Index Health, infoRouter, Sage
//! Active, Kids First study creator), each on its own 127.0.0.1 port, over one generated sample library, with
//! scriptable faults for tests.
//!
//! [`DemoServer::start`] binds the listeners. Each listener serves its vendor router (one module per API,
//! `router(state) -> Router`) behind the fault layer, plus the control routes under `/_demo/` (see [`control`]).
//! Vendor modules read documents from `state.library`, stamp what they issue with `state.expiry`, and publish
//! server-side counts through `state.gauges`.

pub mod ansarada;
pub mod body_faults;
pub mod config;
pub mod content;
pub mod control;
pub mod error;
pub mod expiry;
mod fault_layer;
pub mod faults;
pub mod gauges;
pub mod index_health;
pub mod inforouter;
pub mod library;
mod metered_body;
pub mod range;
mod remotes;
pub mod sage_active;
pub mod samples;
pub mod serve;
mod server;
pub mod state;
pub mod stats;
pub mod study_creator;
#[cfg(test)]
mod test_server;
pub mod timestamp;

pub use body_faults::BodyFault;
pub use config::DemoConfig;
pub use content::Content;
pub use error::DemoError;
pub use expiry::{Expiry, Stamp};
pub use faults::{Failure, Faults, Target};
pub use library::{DocFlags, Document, Folder, GeneratedDocuments, Library, Version};
pub use remotes::{demo_remote_name, demo_remotes};
pub use server::DemoServer;
pub use state::DemoState;
pub use timestamp::Timestamp;

use docket_core::Kind;

/// Position of `kind` in `Kind::ALL`: the index of per-API arrays and the port offset.
pub(crate) fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Ansarada => 0,
        Kind::IndexHealth => 1,
        Kind::Inforouter => 2,
        Kind::SageActive => 3,
        Kind::StudyCreator => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_order_of_kind_all() {
        for (index, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(slot(kind), index);
        }
    }
}
