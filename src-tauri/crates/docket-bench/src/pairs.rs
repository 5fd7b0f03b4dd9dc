//! Alternating pairs: Docket, then its peer, then Docket again, n times, each run after an untimed prepare step.
//! Alternation spreads whatever else the machine is doing (other processes, the page cache, a disk flushing)
//! over both sides alike, where running all of one side first would hand it to one of them; each pair's ratio
//! compares two runs that sat next to each other.

use std::time::Duration;

use crate::error::BenchError;
use crate::spread::Spread;

/// Which run of a pair the prepare step is about to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Docket,
    Peer,
}

/// The times of n pairs, in the order they ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairs {
    pub docket: Vec<Duration>,
    pub peer: Vec<Duration>,
}

/// Runs `pairs` pairs: `prepare(Side::Docket)`, `docket()`, `prepare(Side::Peer)`, `peer()`, and again. Each
/// run answers its own time, so it can keep checks of what it produced out of the timed part.
/// The first failure stops the series: a pair with a failed run would compare nothing.
pub fn alternate(
    pairs: usize,
    mut prepare: impl FnMut(Side) -> Result<(), BenchError>,
    mut docket: impl FnMut() -> Result<Duration, BenchError>,
    mut peer: impl FnMut() -> Result<Duration, BenchError>,
) -> Result<Pairs, BenchError> {
    let mut times = Pairs {
        docket: Vec::with_capacity(pairs),
        peer: Vec::with_capacity(pairs),
    };
    for pair in 1..=pairs {
        prepare(Side::Docket)?;
        let docket_took = docket()?;
        prepare(Side::Peer)?;
        let peer_took = peer()?;
        println!(
            "  pair {pair}/{pairs}: docket {:.3} s, peer {:.3} s",
            docket_took.as_secs_f64(),
            peer_took.as_secs_f64()
        );
        times.docket.push(docket_took);
        times.peer.push(peer_took);
    }
    Ok(times)
}

/// `runs` runs of one command without a peer, each after `prepare`.
pub fn repeat(
    runs: usize,
    mut prepare: impl FnMut() -> Result<(), BenchError>,
    mut run: impl FnMut() -> Result<Duration, BenchError>,
) -> Result<Vec<Duration>, BenchError> {
    (0..runs)
        .map(|_| {
            prepare()?;
            run()
        })
        .collect()
}

impl Pairs {
    /// Per pair, the peer's time over Docket's: above 1 Docket was faster.
    pub fn speedup(&self) -> Spread {
        self.per_pair(|docket, peer| peer / docket)
    }

    /// Per pair, Docket's time over the peer's: how far Docket stays from a limit the peer sets (`dd`).
    pub fn slowdown(&self) -> Spread {
        self.per_pair(|docket, peer| docket / peer)
    }

    pub fn docket_time(&self) -> Spread {
        Spread::of_durations(&self.docket).unwrap_or(EMPTY)
    }

    pub fn peer_time(&self) -> Spread {
        Spread::of_durations(&self.peer).unwrap_or(EMPTY)
    }

    fn per_pair(&self, ratio: impl Fn(f64, f64) -> f64) -> Spread {
        let ratios: Vec<f64> = self
            .docket
            .iter()
            .zip(&self.peer)
            .map(|(d, p)| ratio(d.as_secs_f64().max(1e-9), p.as_secs_f64().max(1e-9)))
            .collect();
        Spread::of(&ratios).unwrap_or(EMPTY)
    }
}

/// What no pairs measure: a ratio of 0 meets no target.
const EMPTY: Spread = Spread {
    median: 0.0,
    min: 0.0,
    max: 0.0,
    count: 0,
};

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    fn secs(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    #[test]
    fn docket_and_its_peer_take_turns_each_after_its_prepare_step() {
        let log = RefCell::new(Vec::new());
        let pairs = alternate(
            2,
            |side| {
                log.borrow_mut().push(format!("prepare {side:?}"));
                Ok(())
            },
            || {
                log.borrow_mut().push("docket".into());
                Ok(Duration::from_secs(1))
            },
            || {
                log.borrow_mut().push("peer".into());
                Ok(Duration::from_secs(2))
            },
        )
        .unwrap();
        assert_eq!(
            log.into_inner(),
            [
                "prepare Docket",
                "docket",
                "prepare Peer",
                "peer",
                "prepare Docket",
                "docket",
                "prepare Peer",
                "peer"
            ]
        );
        assert_eq!((pairs.docket.len(), pairs.peer.len()), (2, 2));
        assert_eq!(pairs.speedup().median, 2.0);
    }

    #[test]
    fn a_failed_run_stops_the_series() {
        let mut peers = 0;
        let outcome = alternate(
            5,
            |_| Ok(()),
            || Ok(Duration::from_secs(1)),
            || {
                peers += 1;
                Err(BenchError::Setup("curl failed".into()))
            },
        );
        assert!(outcome.is_err());
        assert_eq!(peers, 1);
    }

    #[test]
    fn the_ratio_is_the_median_of_each_pairs_own_ratio() {
        let pairs = Pairs {
            docket: secs(&[10, 10, 20, 10, 10]),
            peer: secs(&[11, 9, 12, 13, 12]),
        };
        let speedup = pairs.speedup();
        assert!((speedup.median - 1.1).abs() < 1e-9, "{speedup:?}");
        assert!((speedup.min - 0.6).abs() < 1e-9);
        assert!((speedup.max - 1.3).abs() < 1e-9);
        assert_eq!(speedup.count, 5);
        assert!((pairs.slowdown().max - 1.0 / 0.6).abs() < 1e-9);
    }

    #[test]
    fn one_slow_outlier_moves_neither_median_time() {
        let pairs = Pairs {
            docket: secs(&[2, 2, 90, 2, 2]),
            peer: secs(&[3, 3, 3, 3, 3]),
        };
        assert_eq!(pairs.docket_time().median, 2.0);
        assert_eq!(pairs.docket_time().max, 90.0);
        assert_eq!(pairs.speedup().median, 1.5);
    }

    #[test]
    fn no_pairs_meet_no_target() {
        let pairs = Pairs {
            docket: Vec::new(),
            peer: Vec::new(),
        };
        assert_eq!(pairs.speedup().median, 0.0);
    }

    #[test]
    fn repeated_runs_each_follow_their_prepare_step() {
        let mut prepared = 0;
        let runs = repeat(
            3,
            || {
                prepared += 1;
                Ok(())
            },
            || Ok(Duration::from_millis(5)),
        )
        .unwrap();
        assert_eq!((runs.len(), prepared), (3, 3));
    }
}
