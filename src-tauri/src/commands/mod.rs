//! Thin commands: DTO in, engine call, DTO or `{code, message}` out.

pub mod about;
