//! Item 1 of the issue: one large file, straight. Four series of alternating pairs, each row of the report its
//! own series: Docket's one stream (the study creator's route, no Range) against `curl -o` of a signed URL, and
//! against `curl -o` then `sync -d` (as durable as Docket's); Docket's ranged segments (Index Health) against
//! `curl -o` of the presigned URL; and Docket's one stream against `dd` with fdatasync, the disk's ceiling.

use std::cell::RefCell;

use docket_core::RemoteUrl;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, ONE_STREAM_REMOTE, RANGED_REMOTE};
use crate::measure::rate;
use crate::pairs::{alternate, Pairs, Side};
use crate::plan::size_label;
use crate::report::{Figure, Outcome, Report};
use crate::scenarios::download_runs::{curl, dd, docket_get, durable_curl, empty_folders};
use crate::spread::Spread;

const ONE_STREAM_TARGET: f64 = 1.0;
const RANGED_TARGET: f64 = 1.2;
/// Docket's median time at most this many times `dd`'s.
const CEILING_TARGET: f64 = 1.5;

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let size = bench.plan.straight;
    let pairs = bench.plan.pairs;
    let lab = Lab::start(bench, "straight", size, &[])?;
    lab.add_study_creator()?;
    let study_file = lab.large_study_file()?;
    let document = lab.large_document_id()?;
    let presigned = lab.presigned(&document)?;
    let dir = bench.scratch("straight")?;
    let (docket_dir, peer_dir) = (dir.join("docket"), dir.join("peer"));
    let peer_file = peer_dir.join("file");

    // The study creator's signed URLs are good for one request within 30 seconds: the prepare step mints one
    // for every curl run, outside the timed part (Docket mints its own inside its run, as it must).
    let signed: RefCell<Option<RemoteUrl>> = RefCell::new(None);
    let prepare = |side: Side| {
        empty_folders(&[&docket_dir, &peer_dir])?;
        if side == Side::Peer {
            *signed.borrow_mut() = Some(lab.signed_url(&study_file)?);
        }
        Ok(())
    };
    let fresh_url = || {
        signed
            .borrow_mut()
            .take()
            .ok_or_else(|| BenchError::unexpected("study creator", "no signed URL was minted"))
    };
    let one_stream = || docket_get(&lab, ONE_STREAM_REMOTE, &study_file, &docket_dir, size);

    println!("  one stream against curl -o");
    let plain = alternate(pairs, prepare, one_stream, || {
        curl(&fresh_url()?, &peer_file, size)
    })?;
    println!("  one stream against curl -o then sync -d");
    let durable = alternate(pairs, prepare, one_stream, || {
        durable_curl(&fresh_url()?, &peer_file, size)
    })?;
    println!("  ranged segments against curl -o");
    let ranged = alternate(
        pairs,
        |_| empty_folders(&[&docket_dir, &peer_dir]),
        || docket_get(&lab, RANGED_REMOTE, &document, &docket_dir, size),
        || curl(&presigned, &peer_file, size),
    )?;
    println!("  one stream against dd");
    let ceiling = alternate(
        pairs,
        |_| empty_folders(&[&docket_dir, &peer_dir]),
        one_stream,
        || dd(&peer_file, size),
    )?;
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let label = size_label(size);
    let speed = |times: Spread| format!("{}, {}", rate(size, times.median), times.time_cell());
    let segments = docket_transfer::EngineConfig::default().segments_per_transfer;
    let one_stream_speedup = plain.speedup();
    report.add(Figure::judged(
        1,
        format!("One stream (study creator route, no Range), {label}"),
        [
            speed(plain.docket_time()),
            format!("curl -o: {}", speed(plain.peer_time())),
            one_stream_speedup.ratio_cell(),
            format!(">= {ONE_STREAM_TARGET:.1}x curl"),
        ],
        one_stream_speedup.median >= ONE_STREAM_TARGET,
        || missed_against_curl(&plain, "one stream", &ceiling, size),
    ));
    report.add(Figure {
        item: 1,
        title: format!("Same, the peer made as durable as Docket, {label}"),
        docket: speed(durable.docket_time()),
        peer: format!("curl -o, then sync -d: {}", speed(durable.peer_time())),
        result: durable.speedup().ratio_cell(),
        target: "—".into(),
        outcome: Outcome::Reported,
    });
    let ranged_speedup = ranged.speedup();
    report.add(Figure::judged(
        1,
        format!("{segments} ranged segments (Index Health presigned), {label}"),
        [
            speed(ranged.docket_time()),
            format!("curl -o, one stream: {}", speed(ranged.peer_time())),
            ranged_speedup.ratio_cell(),
            format!(">= {RANGED_TARGET:.1}x curl"),
        ],
        ranged_speedup.median >= RANGED_TARGET,
        || missed_against_curl(&ranged, "ranged segments", &ceiling, size),
    ));
    let (docket_median, dd_median) = (ceiling.docket_time().median, ceiling.peer_time().median);
    let of_ceiling = docket_median / dd_median.max(1e-9);
    let per_pair = ceiling.slowdown();
    report.add(Figure::judged(
        1,
        format!("`dd` with fdatasync, {label}: the disk's ceiling"),
        [
            format!("one stream: {}", speed(ceiling.docket_time())),
            format!("dd: {}", speed(ceiling.peer_time())),
            format!(
                "Docket's median time {of_ceiling:.2}x dd's (per pair: median {:.2}x of {} pairs; min {:.2}x, \
                 max {:.2}x)",
                per_pair.median, per_pair.count, per_pair.min, per_pair.max
            ),
            format!("<= {CEILING_TARGET:.1}x dd's time"),
        ],
        of_ceiling <= CEILING_TARGET,
        || {
            (
                format!(
                    "Docket's one stream took {} at the median against dd's {}: besides writing, Docket \
                     receives every byte over HTTP from the demo server on the same {} cores and hashes it \
                     (BLAKE3) for the catalog, where dd only writes zeros.",
                    seconds(docket_median),
                    seconds(dd_median),
                    cores()
                ),
                "hashing the bytes from the buffers they arrive in rather than reading the file back, and a \
                 measurement with the demo server on cores of its own"
                    .into(),
            )
        },
    ));
    report.method(
        1,
        format!(
            "four series of {pairs} alternating pairs (Docket, then the peer, then Docket again), one series per \
             row, every run after emptying both download folders (untimed). One stream: `docket get \
             demo-study-creator <large file> --json` (the study creator's download route answers no Range, so \
             Docket fetches one stream through a signed URL it mints itself, inside its timed run) against \
             `curl -sS --fail -o` of a signed URL minted the way Docket's provider mints it; the study \
             creator's signed URLs are single-use and live 30 seconds, so a fresh one is minted in the prepare \
             step before every curl run, outside the timed part. Durable: the same, the curl run followed by \
             `sync -d FILE`, timed together, since Docket has its file fsynced before it calls it complete. \
             Ranged: `docket get demo-index-health <large file> --json` ({segments} ranged segments through the \
             queue) against `curl -sS --fail -o` of the very presigned URL Docket's provider mints (reusable, \
             minted once). Ceiling: Docket's one stream against `dd if=/dev/zero bs=1M conv=fdatasync` of the \
             same size. Every saved file is checked for its size after its clock stopped. A pair's ratio is \
             the peer's time over Docket's (the ceiling row: Docket's over dd's); a row is met when the median \
             of its pairs' ratios meets the target (the ceiling row: when Docket's median time is at most \
             {CEILING_TARGET}x dd's median time)."
        ),
    );
    Ok(())
}

fn missed_against_curl(pairs: &Pairs, how: &str, ceiling: &Pairs, size: u64) -> (String, String) {
    (
        format!(
            "Docket's {how} took {} at the median against curl's {} (pairs from {:.2}x to {:.2}x). Nothing on \
             Docket's streams waits for the disk (progress is recorded as written marks, fsyncs run in the \
             background), but Docket does work curl does not: it hashes every byte (BLAKE3, for the catalog and \
             the watcher) and has the file fsynced before it calls it complete, where curl leaves it dirty in \
             the page cache. On {} cores shared by the demo server, the client and the disk flushes, that CPU \
             and the disk (dd with fdatasync: {}) bound it.",
            seconds(pairs.docket_time().median),
            seconds(pairs.peer_time().median),
            pairs.speedup().min,
            pairs.speedup().max,
            cores(),
            rate(size, ceiling.peer_time().median)
        ),
        "hashing the bytes from the buffers they arrive in instead of reading the file back, and handing the \
         kernel the received buffers as they are (pwritev); giving up the final fsync would give up the promise \
         that a completed file survives a power loss"
            .into(),
    )
}

fn seconds(value: f64) -> String {
    crate::scenarios::secs(value)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
