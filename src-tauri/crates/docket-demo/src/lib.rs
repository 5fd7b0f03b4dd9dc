//! Docket's demo server: the document-server APIs Docket speaks (one module per kind, registered in [`apis`]),
//! each on its own 127.0.0.1 port, over one generated sample library, with
//! scriptable faults for tests.
//!
//! [`DemoServer::start`] binds one listener per API in [`APIS`]. Each listener serves its vendor router (one
//! module per API, registered by its `DEMO`) behind the fault layer, plus the control routes under `/_demo/` (see [`control`]).
//! Vendor modules read documents from `state.library`, stamp what they issue with `state.expiry`, and publish
//! server-side counts through `state.gauges`. Tests change the library while the server runs, with
//! `state.library.add_document` (and `add_version`, `remove_document`) or the control routes; every API answers
//! from the changed library on its next request.

pub mod ansarada;
pub mod apis;
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

pub use apis::{AnswerFormat, DemoApi, APIS};
pub use body_faults::BodyFault;
pub use config::DemoConfig;
pub use content::Content;
pub use error::DemoError;
pub use expiry::{Expiry, Stamp};
pub use faults::{Failure, Faults, Target};
pub use library::{
    DocFlags, Document, Folder, GeneratedDocuments, Library, LibraryChangeError, LiveLibrary,
    Version,
};
pub use remotes::{demo_remote_name, demo_remotes};
pub use server::DemoServer;
pub use state::DemoState;
pub use timestamp::Timestamp;
