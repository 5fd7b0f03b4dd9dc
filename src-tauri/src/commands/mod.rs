//! Thin commands: DTO in, engine call, DTO or `{code, message}` out.

pub mod browse;
pub mod files;
pub mod folders;
pub mod preview;
pub mod remotes;
pub mod settings;
pub mod startup;
pub mod transfers;
