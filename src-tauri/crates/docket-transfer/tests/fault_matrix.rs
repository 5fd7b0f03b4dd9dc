//! Every server kind crossed with every fault the demo server can inject. Each cell downloads the large sample
//! through the queue and asserts the documented outcome: completed byte-identical, or failed with a message
//! naming the cause, no file presented as complete and no staged handler left open. The matrix prints its
//! counts and fails naming every cell that did not hold.

mod common;

use std::time::Duration;

use common::*;
use docket_core::Kind;
use docket_demo::apis::{AnswerFormat, DemoApi};
use docket_demo::faults::{Failure, Target};
use docket_demo::library::sample;
use docket_demo::BodyFault;
use docket_store::queue::{NewTransfer, TransferState};
use docket_transfer::{EngineConfig, RetryPolicy, RunScope};

const FILE_SIZE: u64 = 1024 * 1024;
const LARGE_NAME: &str = "telemetry-archive.bin";

fn status(code: u16) -> reqwest::StatusCode {
    reqwest::StatusCode::from_u16(code).unwrap()
}

fn matrix_config() -> EngineConfig {
    EngineConfig {
        min_segment: 256 * 1024,
        checkpoint_bytes: 128 * 1024,
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            max_refreshes: 4,
        },
        lease: Duration::from_secs(2),
        ..EngineConfig::default()
    }
}

/// Where the bytes come from.
fn bytes_target(kind: Kind) -> Target {
    demo_api(kind).bytes_target()
}

/// The API call that prepares a download (the one answering JSON, XML or GraphQL).
fn prepare_target(kind: Kind) -> Target {
    demo_api(kind).prepare_target()
}

fn demo_api(kind: Kind) -> &'static DemoApi {
    docket_demo::apis::api(kind).unwrap_or_else(|| panic!("the demo serves {kind}"))
}

fn speaks_xml(kind: Kind) -> bool {
    demo_api(kind).prepare_answer == AnswerFormat::Xml
}

/// Kinds whose download is prepared through GraphQL (the study creator lists through GraphQL but mints its
/// links over REST).
fn speaks_graphql(kind: Kind) -> bool {
    demo_api(kind).prepare_answer == AnswerFormat::Graphql
}

fn malformed_body(kind: Kind) -> (&'static str, &'static str) {
    if speaks_xml(kind) {
        (
            "text/xml; charset=utf-8",
            "<response success=\"true\" DownloadHandler=\"h1\"><unclosed",
        )
    } else {
        ("application/json", "{\"data\": {\"download\": [1, 2,")
    }
}

const HTML_PAGE: &str = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
    <body><h1>Bad Gateway</h1><p>nginx</p></body></html>";

/// What a cell must end as.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Completes,
    /// Failed, the message containing this text.
    FailsNaming(&'static str),
}

/// What happens while the transfer runs, besides the scripted rules.
#[derive(Debug, Clone, Copy, PartialEq)]
enum During {
    Nothing,
    /// Everything the API issued expires once some bytes are committed.
    ExpireAfterFirstBytes,
}

struct Fault {
    name: &'static str,
    applies: fn(Kind) -> bool,
    arm: fn(&Bench, Kind),
    during: During,
    outcome: Outcome,
    /// The document to fetch, by name, when not the large sample.
    document: Option<&'static str>,
}

fn every(_: Kind) -> bool {
    true
}

fn fault(name: &'static str, arm: fn(&Bench, Kind), outcome: Outcome) -> Fault {
    Fault {
        name,
        applies: every,
        arm,
        during: During::Nothing,
        outcome,
        document: None,
    }
}

fn faults() -> Vec<Fault> {
    use Outcome::*;
    vec![
        fault(
            "500 on the bytes",
            |b, k| fail(b, bytes_target(k), 1, Failure::status(status(500))),
            Completes,
        ),
        fault(
            "502 without Retry-After",
            |b, k| fail(b, bytes_target(k), 1, Failure::status(status(502))),
            Completes,
        ),
        fault(
            "503 with Retry-After",
            |b, k| {
                let failure = Failure::status(status(503)).retry_after(1);
                fail(b, bytes_target(k), 1, failure)
            },
            Completes,
        ),
        fault(
            "503 without Retry-After",
            |b, k| fail(b, bytes_target(k), 2, Failure::status(status(503))),
            Completes,
        ),
        fault(
            "429 with Retry-After",
            |b, k| {
                let failure = Failure::status(status(429)).retry_after(0);
                fail(b, bytes_target(k), 2, failure)
            },
            Completes,
        ),
        fault(
            "5xx that never ends",
            |b, k| {
                let failure = Failure::status(status(503)).body("text/plain", "planned outage");
                fail(b, bytes_target(k), 100, failure)
            },
            FailsNaming("planned outage"),
        ),
        fault(
            "connection reset before headers",
            |b, k| brk(b, bytes_target(k), 2, BodyFault::ResetBeforeHeaders),
            Completes,
        ),
        fault(
            "connection reset before headers on the API call",
            |b, k| brk(b, prepare_target(k), 1, BodyFault::ResetBeforeHeaders),
            Completes,
        ),
        fault(
            "connection reset mid-body",
            |b, k| {
                b.server
                    .state()
                    .faults
                    .drop_next(bytes_target(k), 2, 100_000)
            },
            Completes,
        ),
        fault(
            "truncated body with a correct Content-Length",
            |b, k| {
                let cut = BodyFault::Truncate {
                    after_bytes: 150_000,
                };
                brk(b, bytes_target(k), 2, cut)
            },
            Completes,
        ),
        fault(
            "Content-Length larger than the body",
            |b, k| {
                brk(
                    b,
                    bytes_target(k),
                    2,
                    BodyFault::WrongLength { delta: 1000 },
                )
            },
            Completes,
        ),
        Fault {
            // Caught by the size the API announces or by Content-Range. The study creator announces neither
            // before its GET, so a single response lying low there cannot be told from a smaller file.
            applies: |k| k != docket_providers::study_creator::KIND,
            ..fault(
                "Content-Length smaller than the body",
                |b, k| {
                    brk(
                        b,
                        bytes_target(k),
                        2,
                        BodyFault::WrongLength { delta: -1000 },
                    )
                },
                Completes,
            )
        },
        fault(
            "slow drip",
            |b, k| {
                let faults = &b.server.state().faults;
                faults.set_throttle(k, Some(1024 * 1024));
                faults.set_latency(k, Duration::from_millis(30));
            },
            Completes,
        ),
        Fault {
            during: During::ExpireAfterFirstBytes,
            ..fault(
                "expired link mid-transfer",
                |b, k| {
                    let faults = &b.server.state().faults;
                    faults.set_throttle(k, Some(1024 * 1024));
                    // Cut the running streams so the next request meets the expired link.
                    faults.drop_next(bytes_target(k), 3, 400_000);
                },
                Completes,
            )
        },
        fault(
            "expired token or ticket before the run",
            |b, k| b.server.state().expiry.expire(Some(k)),
            Completes,
        ),
        fault(
            "malformed error body on the API call",
            |b, k| {
                let (kind, body) = malformed_body(k);
                fail(
                    b,
                    prepare_target(k),
                    1,
                    Failure::status(status(500)).body(kind, body),
                )
            },
            Completes,
        ),
        fault(
            "HTML error page with a 502 where the API answers JSON or XML",
            |b, k| {
                let page = Failure::status(status(502)).body("text/html", HTML_PAGE);
                fail(b, prepare_target(k), 1, page)
            },
            Completes,
        ),
        fault(
            "HTML page with a 200 where the API answers JSON or XML",
            |b, k| {
                let page = Failure::status(status(200)).body("text/html", HTML_PAGE);
                fail(b, prepare_target(k), 100, page)
            },
            FailsNaming("unexpected answer from the server"),
        ),
        fault(
            "malformed 200 answer to the API call",
            |b, k| {
                let (kind, body) = malformed_body(k);
                let failure = Failure::status(status(200)).body(kind, body);
                fail(b, prepare_target(k), 100, failure)
            },
            FailsNaming("unexpected answer from the server"),
        ),
        Fault {
            applies: speaks_graphql,
            ..fault(
                "GraphQL error answer",
                |b, k| {
                    let body =
                        r#"{"data":null,"errors":[{"message":"resolver exploded (ref Q7-113)"}]}"#;
                    let failure = Failure::status(status(200)).body("application/json", body);
                    fail(b, prepare_target(k), 100, failure)
                },
                FailsNaming("resolver exploded (ref Q7-113)"),
            )
        },
        Fault {
            applies: speaks_graphql,
            ..fault(
                "malformed GraphQL error answer",
                |b, k| {
                    let body = r#"{"errors":[{"mess"#;
                    let failure = Failure::status(status(500)).body("application/json", body);
                    fail(b, prepare_target(k), 1, failure)
                },
                Completes,
            )
        },
        Fault {
            applies: |k| k == docket_providers::ansarada::KIND,
            document: Some("Board minutes (restricted).pdf"),
            ..fault(
                "FAILED job",
                |_, _| {},
                FailsNaming("could not prepare the download"),
            )
        },
        Fault {
            applies: speaks_xml,
            ..fault(
                "vanished handler",
                |b, k| {
                    let gone =
                        "<response success=\"false\" error=\"Download handler not found.\"/>";
                    let failure =
                        Failure::status(status(200)).body("text/xml; charset=utf-8", gone);
                    fail(b, bytes_target(k), 1, failure)
                },
                Completes,
            )
        },
        Fault {
            applies: speaks_xml,
            ..fault(
                "wrong chunk CRC32",
                |b, k| {
                    let bad =
                        "<response success=\"true\" filelength=\"1048576\" chunklength=\"5\" \
                               lastchunk=\"false\" chunkCRC32=\"00000000\">aGVsbG8=</response>";
                    let failure = Failure::status(status(200)).body("text/xml; charset=utf-8", bad);
                    fail(b, bytes_target(k), 2, failure)
                },
                Completes,
            )
        },
        Fault {
            applies: speaks_xml,
            ..fault(
                "base64 garbage in a chunk",
                |b, k| {
                    let bad =
                        "<response success=\"true\" filelength=\"1048576\" chunklength=\"5\" \
                               lastchunk=\"false\" chunkCRC32=\"3610a686\">a$G!Vs*bG8</response>";
                    let failure = Failure::status(status(200)).body("text/xml; charset=utf-8", bad);
                    fail(b, bytes_target(k), 2, failure)
                },
                Completes,
            )
        },
        Fault {
            applies: speaks_xml,
            ..fault(
                "chunks that stay corrupt",
                |b, k| {
                    let bad =
                        "<response success=\"true\" filelength=\"1048576\" chunklength=\"5\" \
                               lastchunk=\"false\" chunkCRC32=\"00000000\">aGVsbG8=</response>";
                    let failure = Failure::status(status(200)).body("text/xml; charset=utf-8", bad);
                    fail(b, bytes_target(k), 1000, failure)
                },
                FailsNaming("CRC32"),
            )
        },
    ]
}

fn fail(bench: &Bench, target: Target, count: u32, failure: Failure) {
    bench
        .server
        .state()
        .faults
        .fail_next(target, count, failure);
}

fn brk(bench: &Bench, target: Target, count: u32, fault: BodyFault) {
    bench.server.state().faults.break_next(target, count, fault);
}

/// Runs one cell on `bench` (shared by the cells of one kind): a fresh destination, the fault armed, the
/// transfer run to its end, then the outcome checked.
async fn cell(bench: &Bench, kind: Kind, fault: &Fault) -> Result<(), String> {
    let state = bench.server.state();
    state.faults.clear();
    let handlers_before = bench.open_handlers();
    let dest = tempfile::tempdir().unwrap();
    let name = fault.document.unwrap_or(LARGE_NAME);
    let document = bench.document_id(kind, name).await;
    (fault.arm)(bench, kind);
    let id = bench
        .queue
        .enqueue(&NewTransfer {
            remote: bench.remote(kind),
            document,
            version: None,
            dest_dir: dest.path().to_owned(),
            priority: 0,
        })
        .await
        .map_err(|e| e.to_string())?;
    let queue = bench.queue.clone();
    let running = tokio::spawn(async move { queue.run(RunScope::Only(vec![id])).await });
    if fault.during == During::ExpireAfterFirstBytes {
        for _ in 0..400 {
            if bench.record(id).await.bytes_done > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        state.expiry.expire(Some(kind));
        state.faults.set_throttle(kind, None);
    }
    let ended = tokio::time::timeout(Duration::from_secs(60), running).await;
    state.faults.clear();
    match ended {
        Err(_) => return Err("did not end within 60 s".into()),
        Ok(Err(join)) => return Err(format!("the run panicked: {join}")),
        Ok(Ok(Err(err))) => return Err(format!("the run failed: {err}")),
        Ok(Ok(Ok(_))) => {}
    }
    let record = bench.record(id).await;
    let files: Vec<String> = std::fs::read_dir(dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let left_open = bench.open_handlers() - handlers_before;
    if left_open != 0 {
        return Err(format!("{left_open} infoRouter handler(s) left open"));
    }
    match fault.outcome {
        Outcome::Completes => {
            if record.state != TransferState::Completed {
                return Err(format!(
                    "ended {:?}: {}",
                    record.state,
                    record.last_error.unwrap_or_default()
                ));
            }
            let path = saved_path(&record);
            if read(&path) != bench.library_bytes(sample::LARGE_FILE) {
                return Err(format!("{} is not byte-identical", path.display()));
            }
            if files.iter().any(|f| f.ends_with(".docket-part")) {
                return Err(format!("a partial file is left beside it: {files:?}"));
            }
        }
        Outcome::FailsNaming(cause) => {
            if record.state != TransferState::Failed {
                return Err(format!("ended {:?}, expected failed", record.state));
            }
            let message = record.last_error.clone().unwrap_or_default();
            if !message.contains(cause) {
                return Err(format!("the message does not name `{cause}`: {message}"));
            }
            if record.saved_path.is_some() {
                return Err(format!("a failed transfer has a saved path: {record:?}"));
            }
            if let Some(complete) = files.iter().find(|f| !f.ends_with(".docket-part")) {
                return Err(format!("`{complete}` is presented as complete"));
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_kind_survives_or_fails_clearly_under_every_fault_the_demo_server_injects() {
    let faults = faults();
    let mut passed = 0;
    let mut failed = Vec::new();
    for kind in docket_demo::apis::kinds() {
        let bench = bench_with(FILE_SIZE, matrix_config()).await;
        for fault in faults.iter().filter(|f| (f.applies)(kind)) {
            match cell(&bench, kind, fault).await {
                Ok(()) => passed += 1,
                Err(why) => {
                    println!("FAILED {kind} × {}: {why}", fault.name);
                    failed.push(format!("{kind} × {}: {why}", fault.name));
                }
            }
        }
    }
    println!(
        "fault matrix: {} cells, {passed} passed, {} failed",
        passed + failed.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "cells that did not hold:\n{}",
        failed.join("\n")
    );
}
