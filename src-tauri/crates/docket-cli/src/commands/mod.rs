pub mod demo;
pub mod get;
pub mod ls;
pub mod remote;
