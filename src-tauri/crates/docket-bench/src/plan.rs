//! The sizes each benchmark uses: the issue's in a full run, tiny ones in smoke mode.

pub const MIB: u64 = 1024 * 1024;
pub const GIB: u64 = 1024 * MIB;

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub smoke: bool,
    /// Alternating pairs (Docket, peer) behind every timed figure with a peer.
    pub pairs: usize,
    /// Runs behind every timed figure without a peer.
    pub runs: usize,
    /// 1. straight download, against `curl -o` and `dd`.
    pub straight: u64,
    /// 2. the per-connection throttled download.
    pub throttled: u64,
    pub throttle_bytes_per_sec: u64,
    /// 3. infoRouter chunked download with added latency.
    pub chunked: u64,
    pub chunk_size: u64,
    pub chunk_latency_ms: u64,
    /// 4. small documents through the queue.
    pub small_documents: usize,
    /// 5. peak memory of one `docket get`.
    pub memory: u64,
    /// 6. the interrupted transfer.
    pub resume: u64,
    /// 7. catalog entries in one folder, and search queries timed.
    pub catalog_entries: usize,
    pub search_queries: usize,
    /// 8. preview inputs.
    pub csv_bytes: u64,
    pub xml_bytes: u64,
    /// 10. the folder tree a sync takes home.
    pub sync_documents: usize,
    pub sync_folders: usize,
}

impl Plan {
    pub fn full() -> Plan {
        Plan {
            smoke: false,
            pairs: 5,
            runs: 5,
            straight: GIB,
            throttled: GIB,
            // "20 MB/s" as the issue writes it: decimal megabytes.
            throttle_bytes_per_sec: 20_000_000,
            chunked: GIB,
            chunk_size: MIB,
            chunk_latency_ms: 20,
            small_documents: 1000,
            memory: 4 * GIB,
            resume: GIB,
            catalog_entries: 100_000,
            search_queries: 500,
            csv_bytes: 2_000_000_000,
            xml_bytes: 200_000_000,
            sync_documents: 10_000,
            sync_folders: 200,
        }
    }

    pub fn smoke() -> Plan {
        Plan {
            smoke: true,
            // Smoke runs measure nothing; two pairs keep the pairing and the statistics working.
            pairs: 2,
            runs: 2,
            straight: 8 * MIB,
            throttled: 4 * MIB,
            throttle_bytes_per_sec: 20_000_000,
            chunked: 4 * MIB,
            chunk_size: MIB,
            chunk_latency_ms: 20,
            small_documents: 20,
            memory: 8 * MIB,
            resume: 32 * MIB,
            catalog_entries: 2_000,
            search_queries: 50,
            csv_bytes: 4 * MIB,
            xml_bytes: 2 * MIB,
            sync_documents: 60,
            sync_folders: 4,
        }
    }
}

/// `2 GiB`, `512 MiB`, `10 KiB`, `2.0 GB` for the decimal sizes the issue names.
pub fn size_label(bytes: u64) -> String {
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1_000_000_000 {
        format!("{:.1} GB", bytes as f64 / 1e9)
    } else if bytes >= 1_000_000 {
        format!("{:.0} MB", bytes as f64 / 1e6)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_the_issue_writes_them() {
        assert_eq!(size_label(2 * GIB), "2 GiB");
        assert_eq!(size_label(8 * MIB), "8 MiB");
        assert_eq!(size_label(2_000_000_000), "2.0 GB");
        assert_eq!(size_label(200_000_000), "200 MB");
        assert_eq!(size_label(10_240), "10.0 KiB");
    }
}
