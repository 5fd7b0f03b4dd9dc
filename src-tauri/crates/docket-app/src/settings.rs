//! The transfer settings a person may change, in the window or on the command line, with their defaults written
//! once: the engine's own ([`EngineConfig::default`]).

use docket_transfer::EngineConfig;

/// The most transfers a person may ask to run at once.
pub const MAX_TRANSFERS_AT_ONCE: u32 = 16;

/// The transfer limits a person may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferSettings {
    /// Large transfers worked on at once.
    pub transfers_at_once: u32,
    /// Total download speed limit in KiB/s; 0 means unlimited.
    pub bandwidth_limit_kib: u32,
}

impl Default for TransferSettings {
    fn default() -> Self {
        let engine = EngineConfig::default();
        TransferSettings {
            transfers_at_once: u32::try_from(engine.max_transfers).unwrap_or(MAX_TRANSFERS_AT_ONCE),
            bandwidth_limit_kib: 0,
        }
    }
}

impl TransferSettings {
    /// The engine's configuration under these limits; everything else at its default.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            max_transfers: self.transfers_at_once.max(1) as usize,
            bandwidth_limit: (self.bandwidth_limit_kib > 0)
                .then(|| u64::from(self.bandwidth_limit_kib) * 1024),
            ..EngineConfig::default()
        }
    }
}

/// Documents up to this size download beside the large ones ([`EngineConfig::small_transfer_bytes`]).
pub fn small_transfer_bytes() -> u64 {
    EngineConfig::default().small_transfer_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_engines() {
        let engine = EngineConfig::default();
        let settings = TransferSettings::default();
        assert_eq!(settings.transfers_at_once as usize, engine.max_transfers);
        assert_eq!(settings.engine_config(), engine);
    }

    #[test]
    fn a_bandwidth_limit_is_given_in_kib_per_second() {
        let settings = TransferSettings {
            transfers_at_once: 5,
            bandwidth_limit_kib: 512,
        };
        let engine = settings.engine_config();
        assert_eq!(engine.max_transfers, 5);
        assert_eq!(engine.bandwidth_limit, Some(512 * 1024));
    }
}
