//! Named gauges that vendor modules keep up to date (open infoRouter handlers, pending Ansarada jobs, ...) so
//! tests and `GET /_demo/stats` can see server-side state. Each remembers the highest value it reached.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GaugeReading {
    pub value: i64,
    pub max: i64,
}

#[derive(Debug, Default)]
pub struct Gauges {
    gauges: Mutex<BTreeMap<String, Gauge>>,
}

impl Gauges {
    /// The gauge called `name`, created at zero on first use. Name them `<api>.<what>`, e.g.
    /// `inforouter.open_handlers`.
    pub fn gauge(&self, name: &str) -> Gauge {
        let mut gauges = self.gauges.lock().unwrap_or_else(|e| e.into_inner());
        gauges.entry(name.to_owned()).or_default().clone()
    }

    /// The reading of `name`, zero when it was never created.
    pub fn get(&self, name: &str) -> GaugeReading {
        let gauges = self.gauges.lock().unwrap_or_else(|e| e.into_inner());
        gauges.get(name).map(Gauge::read).unwrap_or_default()
    }

    pub fn snapshot(&self) -> BTreeMap<String, GaugeReading> {
        let gauges = self.gauges.lock().unwrap_or_else(|e| e.into_inner());
        gauges
            .iter()
            .map(|(name, g)| (name.clone(), g.read()))
            .collect()
    }

    /// Restarts every maximum from the current value (values are server state and stay).
    pub fn reset_max(&self) {
        let gauges = self.gauges.lock().unwrap_or_else(|e| e.into_inner());
        for gauge in gauges.values() {
            gauge.0.max.store(gauge.value(), Ordering::SeqCst);
        }
    }
}

/// A handle to one gauge; clones share the value.
#[derive(Debug, Clone, Default)]
pub struct Gauge(Arc<Cell>);

#[derive(Debug, Default)]
struct Cell {
    value: AtomicI64,
    max: AtomicI64,
}

impl Gauge {
    pub fn set(&self, value: i64) {
        self.0.value.store(value, Ordering::SeqCst);
        self.0.max.fetch_max(value, Ordering::SeqCst);
    }

    pub fn add(&self, delta: i64) {
        let now = self.0.value.fetch_add(delta, Ordering::SeqCst) + delta;
        self.0.max.fetch_max(now, Ordering::SeqCst);
    }

    pub fn increment(&self) {
        self.add(1);
    }

    pub fn decrement(&self) {
        self.add(-1);
    }

    pub fn value(&self) -> i64 {
        self.0.value.load(Ordering::SeqCst)
    }

    pub fn read(&self) -> GaugeReading {
        GaugeReading {
            value: self.value(),
            max: self.0.max.load(Ordering::SeqCst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_to_the_same_name_share_one_value() {
        let gauges = Gauges::default();
        gauges.gauge("inforouter.open_handlers").increment();
        gauges.gauge("inforouter.open_handlers").increment();
        assert_eq!(gauges.get("inforouter.open_handlers").value, 2);
    }

    #[test]
    fn a_gauge_remembers_its_highest_value() {
        let gauges = Gauges::default();
        let open = gauges.gauge("open");
        open.add(3);
        open.decrement();
        open.set(1);
        assert_eq!(open.read(), GaugeReading { value: 1, max: 3 });
    }

    #[test]
    fn resetting_maxima_keeps_values() {
        let gauges = Gauges::default();
        let open = gauges.gauge("open");
        open.add(5);
        open.add(-3);
        gauges.reset_max();
        assert_eq!(gauges.get("open"), GaugeReading { value: 2, max: 2 });
    }

    #[test]
    fn an_unknown_gauge_reads_zero_and_is_not_listed() {
        let gauges = Gauges::default();
        assert_eq!(gauges.get("nothing"), GaugeReading::default());
        assert!(gauges.snapshot().is_empty());
    }
}
