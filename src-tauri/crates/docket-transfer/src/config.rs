//! How hard the engine pushes: limits, segment sizes, retries. The defaults suit a desktop on a home line.

use std::time::Duration;

use crate::retry::RetryPolicy;

#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Transfers worked on at the same time.
    pub max_transfers: usize,
    /// Requests for bytes (and preparations) in flight across every remote.
    pub max_connections: usize,
    /// Requests in flight to one remote.
    pub max_connections_per_remote: usize,
    /// Parallel ranged requests for one large file, when the server honours `Range`.
    pub segments_per_transfer: usize,
    /// A segment is never split below this many bytes (twice this is needed to split).
    pub min_segment: u64,
    /// Chunk bytes in flight for one staged (chunked) file: small chunks get more reads in flight (up to the
    /// per-remote limit), large ones fewer, so memory stays bounded either way (see [`EngineConfig::chunk_reads`]).
    pub chunk_bytes_in_flight: u64,
    /// Bytes a stream writes before it fsyncs and commits them to the queue; the most a crash can cost per
    /// connection.
    pub checkpoint_bytes: u64,
    pub retry: RetryPolicy,
    /// Bytes per second across all transfers; `None` for no limit.
    pub bandwidth_limit: Option<u64>,
    /// How long a runner's claim on a transfer holds without renewal (a crashed runner's work is picked up after
    /// this).
    pub lease: Duration,
    /// A link expiring sooner than this is refreshed before it is used.
    pub refresh_margin: Duration,
    /// The first pause before an unreachable remote is probed again; it doubles up to `offline_probe_max`.
    pub offline_probe: Duration,
    pub offline_probe_max: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            max_transfers: 3,
            max_connections: 8,
            max_connections_per_remote: 8,
            segments_per_transfer: 4,
            min_segment: 4 * 1024 * 1024,
            chunk_bytes_in_flight: 16 * 1024 * 1024,
            checkpoint_bytes: 1024 * 1024,
            retry: RetryPolicy::default(),
            bandwidth_limit: None,
            lease: Duration::from_secs(5),
            refresh_margin: Duration::from_secs(5),
            offline_probe: Duration::from_secs(1),
            offline_probe_max: Duration::from_secs(30),
        }
    }
}

impl EngineConfig {
    /// Chunk reads kept in flight for chunks of `chunk_size` bytes: as many as fit in `chunk_bytes_in_flight`,
    /// at least one, and no more than the requests one remote may have in flight.
    pub fn chunk_reads(&self, chunk_size: u64) -> usize {
        let fit = self.chunk_bytes_in_flight / chunk_size.max(1);
        usize::try_from(fit)
            .unwrap_or(usize::MAX)
            .clamp(1, self.max_connections_per_remote.max(1))
    }
}
