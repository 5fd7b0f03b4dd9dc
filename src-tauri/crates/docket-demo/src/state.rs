//! What every vendor module and the control endpoint share: the sample library (changeable while the server
//! runs), the scripted faults, expiry, request statistics and gauges, and where each API listens.

use std::collections::HashMap;

use docket_core::Kind;

use crate::expiry::Expiry;
use crate::faults::Faults;
use crate::gauges::Gauges;
use crate::library::{Library, LiveLibrary};
use crate::stats::Stats;

#[derive(Debug)]
pub struct DemoState {
    /// The library as it stands now: reads deref to the newest [`Library`]; `add_document`, `add_version` and
    /// `remove_document` change it, and every API sees the change on its next request.
    pub library: LiveLibrary,
    pub faults: Faults,
    pub expiry: Expiry,
    pub stats: Stats,
    pub gauges: Gauges,
    /// Files of the generated study-creator study (none when 0); see `DemoConfig::bulk_study_files`.
    pub bulk_study_files: u32,
    base_urls: HashMap<Kind, String>,
}

impl DemoState {
    /// State for driving a vendor router in process, without listeners: base URLs are placeholders
    /// (`http://<api-id>.demo.invalid`).
    pub fn new(library: Library) -> DemoState {
        DemoState::with_base_urls(
            library,
            crate::apis::kinds()
                .map(|kind| (kind, placeholder_url(kind)))
                .collect(),
        )
    }

    /// State whose APIs listen at `base_urls`.
    pub(crate) fn with_base_urls(library: Library, base_urls: HashMap<Kind, String>) -> DemoState {
        DemoState {
            library: LiveLibrary::new(library),
            faults: Faults::default(),
            expiry: Expiry::default(),
            stats: Stats::default(),
            gauges: Gauges::default(),
            bulk_study_files: 0,
            base_urls,
        }
    }

    /// `http://127.0.0.1:41234`, no trailing slash: for absolute URLs a vendor hands out (presigned links).
    /// An API the demo does not serve gets an unroutable placeholder, so nothing reaches another API.
    pub fn base_url(&self, api: Kind) -> String {
        self.base_urls
            .get(&api)
            .cloned()
            .unwrap_or_else(|| placeholder_url(api))
    }
}

/// `http://<api-id>.demo.invalid`: a URL that names the API and resolves nowhere.
fn placeholder_url(kind: Kind) -> String {
    format!("http://{}.demo.invalid", kind.id())
}
