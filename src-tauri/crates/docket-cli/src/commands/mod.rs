pub mod demo;
pub mod get;
pub mod ls;
pub mod queue;
pub mod remote;
pub mod search;
pub mod sync;
