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
    /// Documents of at most this size spend their time on bookkeeping rather than bytes: the scheduler runs them
    /// beside `max_transfers`, up to the per-remote limit.
    pub small_transfer_bytes: u64,
    /// Bytes written to a partial file since its last fsync after which it is fsynced again, in the background
    /// (off the streams' path), so the OS writes it out as it arrives and the fsync at the end is short.
    pub checkpoint_bytes: u64,
    /// The longest a partial file goes without an fsync while bytes arrive, and how often the ranges an fsync
    /// made durable are recorded (a commit that waits for the disk): about what a power loss can cost.
    pub checkpoint_every: Duration,
    /// How often the ranges written so far (handed to the OS, not yet fsynced) are recorded as written marks:
    /// about what a crash of the process costs, times the transfer's speed.
    pub mark_every: Duration,
    /// The boot of the OS this runs in ([`crate::boot::current`]): written marks are tagged with it and trusted on
    /// resume only by the same boot. `None` (unknown) records no written marks and trusts only fsynced ranges.
    pub boot_id: Option<String>,
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
            max_connections: 16,
            max_connections_per_remote: 8,
            segments_per_transfer: 8,
            min_segment: 4 * 1024 * 1024,
            chunk_bytes_in_flight: 16 * 1024 * 1024,
            small_transfer_bytes: 1024 * 1024,
            checkpoint_bytes: 64 * 1024 * 1024,
            checkpoint_every: Duration::from_secs(2),
            mark_every: Duration::from_millis(10),
            boot_id: crate::boot::current(),
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
