//! How the demo server is started.

/// Where the demo APIs listen and how big the large sample file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    /// First of five consecutive ports on 127.0.0.1, in `apis::APIS` order (ansarada, index-health,
    /// inforouter, sage-active, study-creator). 0 gives each API an ephemeral port.
    pub port_base: u16,
    /// Size of the generated large file in bytes.
    pub large_file_size: u64,
    /// Files of an extra study-creator study, generated (`scan-000001.txt`, …) to show a very large folder; 0
    /// leaves it out, so tests walking every folder stay quick.
    pub bulk_study_files: u32,
}

impl DemoConfig {
    pub const DEFAULT_LARGE_FILE_SIZE: u64 = 256 * 1024 * 1024;
    /// The size of the very large folder the desktop's demo data rooms show.
    pub const DESKTOP_BULK_STUDY_FILES: u32 = 100_000;
}

impl Default for DemoConfig {
    fn default() -> DemoConfig {
        DemoConfig {
            port_base: 0,
            large_file_size: DemoConfig::DEFAULT_LARGE_FILE_SIZE,
            bulk_study_files: 0,
        }
    }
}
