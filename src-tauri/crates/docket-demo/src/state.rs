//! What every vendor module and the control endpoint share: the sample library, the scripted faults, expiry,
//! request statistics and gauges, and where each API listens.

use docket_core::Kind;

use crate::expiry::Expiry;
use crate::faults::Faults;
use crate::gauges::Gauges;
use crate::library::Library;
use crate::slot;
use crate::stats::Stats;

#[derive(Debug)]
pub struct DemoState {
    pub library: Library,
    pub faults: Faults,
    pub expiry: Expiry,
    pub stats: Stats,
    pub gauges: Gauges,
    /// Files of the generated study-creator study (none when 0); see `DemoConfig::bulk_study_files`.
    pub bulk_study_files: u32,
    base_urls: [String; 5],
}

impl DemoState {
    /// State for driving a vendor router in process, without listeners: base URLs are placeholders
    /// (`http://<api-id>.demo.invalid`).
    pub fn new(library: Library) -> DemoState {
        DemoState::with_base_urls(
            library,
            Kind::ALL.map(|k| format!("http://{}.demo.invalid", k.id())),
        )
    }

    /// `base_urls` in `Kind::ALL` order.
    pub(crate) fn with_base_urls(library: Library, base_urls: [String; 5]) -> DemoState {
        DemoState {
            library,
            faults: Faults::default(),
            expiry: Expiry::default(),
            stats: Stats::default(),
            gauges: Gauges::default(),
            bulk_study_files: 0,
            base_urls,
        }
    }

    /// `http://127.0.0.1:41234`, no trailing slash: for absolute URLs a vendor hands out (presigned links).
    pub fn base_url(&self, api: Kind) -> &str {
        &self.base_urls[slot(api)]
    }
}
