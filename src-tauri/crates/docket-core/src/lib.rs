//! Docket's engine core. Nothing here knows about Tauri or the CLI: both front ends drive the engine through
//! these types.

pub mod kind;
pub mod paths;

pub use kind::{Kind, TransferShape, UnknownKind};

/// The engine's version, shown by both front ends.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
