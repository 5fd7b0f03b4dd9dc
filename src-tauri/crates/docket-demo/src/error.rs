//! What can go wrong starting or running the demo server.

use std::io;

use docket_core::Kind;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("port base {port_base} is too high: each demo API needs its own port above it (at most 65535)")]
    PortOutOfRange { port_base: u16 },
    #[error("cannot listen for {api} on 127.0.0.1:{port}: {source}")]
    Bind {
        api: Kind,
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("cannot wait for Ctrl-C: {0}")]
    Signal(#[source] io::Error),
}
