//! Item 1 of the issue: A straight download of one large file: `docket get` against `curl -o` on the same URL, with `dd` of
//! the same size (flushed to disk) as the physical limit of the disk.

use crate::error::BenchError;
use crate::lab::{saved_file, Bench, Lab, RANGED_REMOTE};
use crate::measure::{hyperfine, rate, sh_quote, timing};
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Outcome, Report};
use crate::scenarios::ratio;

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let size = bench.plan.straight;
    let lab = Lab::start(bench, "straight", size, &[])?;
    let document = lab.large_document_id()?;
    let url = lab.presigned(&document)?;
    let dir = bench.scratch("straight")?;
    let (docket_dir, curl_dir, dd_dir) = (dir.join("docket"), dir.join("curl"), dir.join("dd"));
    let q = |p: &std::path::Path| sh_quote(&p.to_string_lossy());

    let docket = lab.docket_line(&[
        "get",
        RANGED_REMOTE,
        &document,
        "--to",
        &docket_dir.to_string_lossy(),
        "--json",
    ]);
    let mut curl = format!("curl -sS --fail -o {}", q(&curl_dir.join("file")));
    for (name, value) in &url.headers {
        curl.push_str(&format!(
            " -H {}",
            sh_quote(&format!("{name}: {}", value.expose()))
        ));
    }
    curl.push(' ');
    curl.push_str(&sh_quote(&url.url));
    let dd = format!(
        "dd if=/dev/zero of={} bs=1M count={} conv=fdatasync status=none",
        q(&dd_dir.join("file")),
        size.div_ceil(MIB)
    );
    // Each run starts from empty folders, so nothing is resumed or renamed.
    let prepare = format!(
        "rm -rf {0} {1} {2} && mkdir -p {0} {1} {2}",
        q(&docket_dir),
        q(&curl_dir),
        q(&dd_dir)
    );
    let timings = hyperfine(
        bench.plan.straight_runs,
        Some(&prepare),
        // Docket last: its folder then still holds the file of its last run, checked below.
        &[("curl", curl), ("dd", dd), ("docket", docket)],
        &dir.join("hyperfine.json"),
    )?;
    let saved = saved_file(&docket_dir)?;
    let saved_len = std::fs::metadata(&saved)
        .map_err(|e| BenchError::io(&saved, e))?
        .len();
    if saved_len != size {
        return Err(BenchError::unexpected(
            "docket get",
            format!("saved {saved_len} bytes of {size}"),
        ));
    }
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let (d, c, w) = (
        timing(&timings, "docket")?,
        timing(&timings, "curl")?,
        timing(&timings, "dd")?,
    );
    let speed = |t: &crate::measure::Timing| {
        format!("{} ({:.2} ± {:.2} s)", rate(size, t.mean), t.mean, t.stddev)
    };
    let against_curl = c.mean / d.mean;
    let title = format!("Straight download, {}", size_label(size));
    report.add(Figure::judged(
        1,
        title,
        [
            speed(d),
            format!("curl -o: {}", speed(c)),
            format!("{} of curl's throughput", ratio(against_curl)),
            ">= 0.97x curl".into(),
        ],
        against_curl >= 0.97,
        || {
            (
                format!(
                    "Docket took {:.2} s against curl's {:.2} s. Nothing on Docket's streams waits for the disk \
                     (progress is recorded as written marks, fsyncs run in the background), but Docket still does \
                     work curl does not: it reads every byte back from the page cache for its content hash \
                     (BLAKE3, for the catalog and the watcher) and, before it calls the file complete, has it \
                     fsynced to disk, where curl leaves it dirty in the page cache. On 2 cores shared by the demo \
                     server, the client and the disk flushes, that CPU and the disk (dd with fdatasync: {}) bound \
                     it.",
                    d.mean,
                    c.mean,
                    rate(size, w.mean)
                ),
                "hashing the segments from the buffers they arrive in (BLAKE3 is a tree hash: each segment's \
                 subtrees can be hashed where they land and merged) instead of reading the file back, and \
                 handing the kernel the received buffers as they are (pwritev) instead of gathering them; \
                 giving up the final fsync would give up the promise that a completed file survives a power \
                 loss"
                    .into(),
            )
        },
    ));
    report.add(Figure {
        item: 1,
        title: format!("Disk-write ceiling, {}", size_label(size)),
        docket: "—".into(),
        peer: format!("dd, fdatasync: {}", speed(w)),
        result: format!("Docket at {} of it", ratio(w.mean / d.mean)),
        target: "the physical limit".into(),
        outcome: Outcome::Reported,
    });
    report.method(
        1,
        format!(
            "hyperfine, {} run(s) each, empty folders before every run: `docket get demo-index-health <large file> \
             --json` (ranged, through the queue) against `curl -sS --fail -o` of the very presigned URL Docket's \
             provider mints, and `dd if=/dev/zero bs=1M conv=fdatasync` of the same size. Ratio = curl's mean time \
             / Docket's mean time.",
            bench.plan.straight_runs
        ),
    );
    Ok(())
}
