//! Item 5 of the issue: Peak memory (max RSS) of `docket get` on a large file, ranged and chunked, with curl's on the same
//! ranged URL beside it.

use std::process::Command;

use docket_demo::library::sample;

use crate::error::BenchError;
use crate::lab::{saved_file, Bench, Lab, CHUNKED_REMOTE, RANGED_REMOTE};
use crate::measure::{rate, timed_with_peak_rss};
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};
use crate::scenarios::secs;

const CEILING: u64 = 48 * MIB;

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let size = bench.plan.memory;
    let lab = Lab::start(bench, "memory", size, &[])?;
    let document = lab.large_document_id()?;
    let url = lab.presigned(&document)?;
    let dir = bench.scratch("memory")?;

    let mut curl = Command::new("curl");
    curl.args(["-sS", "--fail", "-o"]).arg(dir.join("curl.bin"));
    for (name, value) in &url.headers {
        curl.arg("-H").arg(format!("{name}: {}", value.expose()));
    }
    curl.arg(&url.url);
    let (_, curl_rss) = timed_with_peak_rss(&mut curl)?;
    let _ = std::fs::remove_file(dir.join("curl.bin"));

    let shapes = [
        ("ranged", RANGED_REMOTE, document.as_str()),
        ("chunked", CHUNKED_REMOTE, sample::LARGE_FILE),
    ];
    for (shape, remote, doc) in shapes {
        let dest = dir.join(shape);
        let (took, rss) = timed_with_peak_rss(lab.docket().args([
            "get",
            remote,
            doc,
            "--to",
            &dest.to_string_lossy(),
            "--json",
        ]))?;
        saved_file(&dest)?;
        let _ = std::fs::remove_dir_all(&dest);
        let peer = if shape == "ranged" {
            format!("curl -o: {}", mib(curl_rss))
        } else {
            "—".to_owned()
        };
        report.add(Figure::judged(
            5,
            format!("Peak memory of `docket get`, {shape}, {}", size_label(size)),
            [
                format!(
                    "{} ({} in {})",
                    mib(rss),
                    rate(size, took.as_secs_f64()),
                    secs(took.as_secs_f64())
                ),
                peer,
                mib(rss),
                format!("< {}", mib(CEILING)),
            ],
            rss < CEILING,
            || missed_reason(shape, rss),
        ));
    }
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);
    report.method(
        5,
        "each `docket get` (and the curl peer) runs under GNU time (`/usr/bin/time -f %M`), which reports the \
         process's own peak resident set; ranged through Index Health's presigned URL, chunked \
         through infoRouter with the provider's default 4 MiB chunks.",
    );
    Ok(())
}

/// Why a shape went past the ceiling, from what each shape keeps in memory.
fn missed_reason(shape: &str, rss: u64) -> (String, String) {
    let defaults = docket_transfer::EngineConfig::default();
    if shape == "chunked" {
        (
            format!(
                "`docket get` peaked at {} resident: up to {} MiB of chunks are in flight \
                 (`EngineConfig::chunk_bytes_in_flight`, {} reads of 4 MiB), each decoded from the answer's \
                 base64 as it arrives into one buffer of the chunk's size, plus the HTTP client's and the \
                 runtime's own buffers.",
                mib(rss),
                defaults.chunk_bytes_in_flight / MIB,
                defaults.chunk_reads(4 * MIB)
            ),
            "lower `chunk_bytes_in_flight`, or write each decoded piece at its offset as it arrives instead of \
             holding the chunk until its CRC32 is checked"
                .into(),
        )
    } else {
        (
            format!(
                "`docket get` peaked at {} resident with {} segments in flight.",
                mib(rss),
                defaults.segments_per_transfer
            ),
            "profile the ranged path (heaptrack) and bound the buffers held per segment".into(),
        )
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}
