//! The cases: each sets a fault (or a trap in the download folder), runs `docket` as a user would, and judges how
//! it ended. A case answers a line saying what happened, or why it failed.

use std::future::Future;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket_core::Kind;
use docket_demo::faults::{Failure, Target};
use docket_demo::library::sample;
use reqwest::StatusCode;

use crate::docket::{self, Finished};
use crate::world::World;

/// The probes must end within this, and under this much memory.
const DEADLINE: Duration = Duration::from_secs(10);
const PEAK_RSS: u64 = 64 * 1024 * 1024;

type Outcome<'a> = Pin<Box<dyn Future<Output = Result<String, String>> + 'a>>;

pub struct Case {
    pub name: &'static str,
    pub run: for<'a> fn(&'a World) -> Outcome<'a>,
}

pub const ALL: &[Case] = &[
    Case {
        name: "infoRouter stages a file of i64::MAX bytes in 1-byte chunks",
        run: |world| Box::pin(huge_staged_file(world)),
    },
    Case {
        name: "infoRouter answers a listing nested 100,000 elements deep",
        run: |world| Box::pin(deep_listing(world)),
    },
    Case {
        name: "a dangling symlink named like a partial file sits in the download folder",
        run: |world| Box::pin(dangling_symlink_partial(world)),
    },
    Case {
        name: "a server error message carries terminal escape sequences",
        run: |world| Box::pin(escape_sequences_in_an_error(world)),
    },
    Case {
        name: "a partial file is replaced by a symlink to another file between runs",
        run: |world| Box::pin(partial_replaced_by_a_symlink(world)),
    },
    Case {
        name: "a download link redirects to another origin",
        run: |world| Box::pin(redirect_to_another_origin(world)),
    },
    Case {
        name: "an API answer never ends",
        run: |world| Box::pin(endless_api_answer(world)),
    },
    Case {
        name: "a listing answer nests JSON 100,000 levels deep",
        run: |world| Box::pin(deep_json_listing(world)),
    },
    Case {
        name: "a document name carries bidi overrides and control characters",
        run: |world| Box::pin(bidi_and_control_names(world)),
    },
];

/// One clear error line (exit 1) within the deadline, under the memory bound, naming what `needles` say, and
/// nothing raw for the terminal to interpret.
fn clear_failure(finished: &Finished, needles: &[&str]) -> Result<String, String> {
    bounded(finished)?;
    if finished.code != Some(1) {
        return Err(format!(
            "expected exit 1, got {}: {}",
            finished.summary(),
            shown(finished)
        ));
    }
    let lines = finished.error_lines();
    if lines.len() != 1 {
        return Err(format!(
            "expected one error line, got {}: {}",
            lines.len(),
            shown(finished)
        ));
    }
    for needle in needles {
        if !lines[0].contains(needle) {
            return Err(format!("the error does not say `{needle}`: {}", lines[0]));
        }
    }
    Ok(format!("{}: {}", finished.summary(), lines[0]))
}

/// Within the deadline, under the memory bound, not killed by a signal, nothing raw for the terminal.
fn bounded(finished: &Finished) -> Result<(), String> {
    if finished.timed_out {
        return Err(format!(
            "still running at its deadline: {}",
            finished.summary()
        ));
    }
    if let Some(signal) = finished.signal {
        return Err(format!(
            "ended by signal {signal} (a crash): {}",
            shown(finished)
        ));
    }
    if finished.peak_rss >= PEAK_RSS {
        return Err(format!("used too much memory: {}", finished.summary()));
    }
    for (stream, bytes) in [("stdout", &finished.stdout), ("stderr", &finished.stderr)] {
        if let Some(raw) = bytes.iter().find(|b| is_raw_control(**b)) {
            return Err(format!(
                "{stream} carries the raw control byte {raw:#04x}: {}",
                shown(finished)
            ));
        }
    }
    Ok(())
}

/// Control bytes a terminal acts on (line breaks and tabs are text).
fn is_raw_control(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\n' | b'\t' | b'\r')) || byte == 0x7f
}

/// Stderr as it can be shown in a report, control bytes made visible.
fn shown(finished: &Finished) -> String {
    finished
        .stderr_text()
        .chars()
        .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
        .collect::<String>()
        .trim()
        .replace('\n', " | ")
}

/// Makes the next `times` answers of `path` on `kind`'s API the hostile one.
fn answer_next(world: &World, kind: Kind, path: &str, times: u32, failure: Failure) {
    world
        .server
        .state()
        .faults
        .fail_next(Target::new(kind, path), times, failure);
}

/// `docket ls REMOTE FOLDER --refresh` on a fresh data dir, so the listing comes from the server.
fn list(world: &World, kind: Kind, folder: &str) -> Result<Finished, String> {
    let (bench, remote) = world.bench_with(kind)?;
    let mut command = docket::command(bench.data_dir());
    command.args(["ls", &remote, folder, "--refresh"]);
    Ok(docket::run(command, DEADLINE))
}

fn get(
    world: &World,
    kind: Kind,
    document: &str,
) -> Result<(crate::world::Bench, Finished), String> {
    let (bench, remote) = world.bench_with(kind)?;
    let mut command = docket::command(bench.data_dir());
    command
        .args(["get", &remote, document, "--to"])
        .arg(bench.dest_dir());
    let finished = docket::run(command, DEADLINE);
    Ok((bench, finished))
}

async fn huge_staged_file(world: &World) -> Result<String, String> {
    let hostile = r#"<response success="true" Size="9223372036854775807" ContentType="application/pdf" ModificationDate="2024-04-02" VersionNumber="1000000" AlterDocumentName="Q1-Report.pdf" RenderedContent="false" CRC32="00000000" ChunkSize="1" downloadhandler="11111111-2222-3333-4444-555555555555"/>"#;
    answer_next(
        world,
        docket_providers::inforouter::KIND,
        "/srv.asmx/GetDownloadHandler",
        1,
        Failure::status(StatusCode::OK).body("text/xml; charset=utf-8", hostile),
    );
    let (_bench, finished) = get(
        world,
        docket_providers::inforouter::KIND,
        sample::REPORT_PDF,
    )?;
    clear_failure(&finished, &["demo-inforouter"])
}

async fn deep_listing(world: &World) -> Result<String, String> {
    let depth = 100_000;
    let hostile = format!(
        "<response success=\"true\" name=\"x\" path=\"/\">{}{}</response>",
        "<f>".repeat(depth),
        "</f>".repeat(depth)
    );
    answer_next(
        world,
        docket_providers::inforouter::KIND,
        "/srv.asmx/GetFoldersAndDocumentsByPage",
        1,
        Failure::status(StatusCode::OK).body("text/xml; charset=utf-8", hostile),
    );
    let finished = list(world, docket_providers::inforouter::KIND, "/Finance")?;
    clear_failure(&finished, &["demo-inforouter"])
}

async fn dangling_symlink_partial(world: &World) -> Result<String, String> {
    let (bench, remote) = world.bench_with(docket_providers::inforouter::KIND)?;
    let trap = bench.dest_dir().join("Q1-Report.pdf.docket-part");
    std::os::unix::fs::symlink("/nonexistent/docket-hostile-target", &trap)
        .map_err(|e| e.to_string())?;
    let mut command = docket::command(bench.data_dir());
    command
        .args(["get", &remote, sample::REPORT_PDF, "--to"])
        .arg(bench.dest_dir());
    let finished = docket::run(command, DEADLINE);
    bounded(&finished)?;
    if finished.code != Some(0) {
        return Err(format!(
            "expected the download to complete: {}",
            shown(&finished)
        ));
    }
    let link = std::fs::symlink_metadata(&trap).map_err(|e| format!("the symlink is gone: {e}"))?;
    if !link.file_type().is_symlink() {
        return Err("the symlink was replaced".into());
    }
    let saved: Vec<String> = names_in(&bench.dest_dir())
        .into_iter()
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    if saved.len() != 1 {
        return Err(format!("expected one saved report, found {saved:?}"));
    }
    Ok(format!(
        "{}: saved as {}, the symlink left alone",
        finished.summary(),
        saved[0]
    ))
}

async fn escape_sequences_in_an_error(world: &World) -> Result<String, String> {
    let hostile =
        "{\"statusCode\":437,\"message\":\"Document not found \u{1b}]0;PWNED\u{7}\u{1b}[31mRED\"}";
    answer_next(
        world,
        docket_providers::index_health::KIND,
        "/get-document-details",
        1,
        Failure::status(StatusCode::from_u16(437).unwrap_or(StatusCode::NOT_FOUND))
            .body("application/json", hostile),
    );
    answer_next(
        world,
        docket_providers::index_health::KIND,
        "/download",
        4,
        Failure::status(StatusCode::from_u16(437).unwrap_or(StatusCode::NOT_FOUND))
            .body("application/json", hostile),
    );
    let (_bench, finished) = get(world, docket_providers::index_health::KIND, "doc-1001")?;
    clear_failure(&finished, &["PWNED"])
}

async fn partial_replaced_by_a_symlink(world: &World) -> Result<String, String> {
    let (bench, remote) = world.bench_with(docket_providers::index_health::KIND)?;
    let victim = bench.data_dir().join("victim.txt");
    std::fs::write(&victim, b"precious").map_err(|e| e.to_string())?;
    let mark = bench.data_dir().join("paused");
    let mut first = docket::command(bench.data_dir());
    first
        .args(["get", &remote, "doc-1006", "--to"])
        .arg(bench.dest_dir())
        .env("DOCKET_TEST_PAUSE_AT", "partial-created")
        .env("DOCKET_TEST_PAUSE_MARK", &mark);
    // Stopped for good at the pause point: killed at its deadline once the partial exists.
    let paused = std::thread::spawn(move || docket::run(first, Duration::from_secs(3)));
    let waited = std::time::Instant::now();
    while !mark.exists() && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = paused.join();
    let partial = names_in(&bench.dest_dir())
        .into_iter()
        .find(|n| n.ends_with(".docket-part"))
        .ok_or("no partial file was created")?;
    let partial = bench.dest_dir().join(partial);
    std::fs::remove_file(&partial).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(&victim, &partial).map_err(|e| e.to_string())?;
    let mut again = docket::command(bench.data_dir());
    again
        .args(["get", &remote, "doc-1006", "--to"])
        .arg(bench.dest_dir());
    let finished = docket::run(again, Duration::from_secs(30));
    bounded(&finished)?;
    if std::fs::read(&victim).map_err(|e| e.to_string())? != b"precious" {
        return Err("the file the symlink pointed to was written".into());
    }
    if finished.code != Some(0) {
        return Err(format!(
            "expected the download to complete: {}",
            shown(&finished)
        ));
    }
    if !std::fs::symlink_metadata(&partial).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("the symlink was not left alone".into());
    }
    Ok(format!(
        "{}: completed beside it, the target untouched",
        finished.summary()
    ))
}

/// The requests another origin received, as text.
type Received = Arc<Mutex<Vec<String>>>;

/// A plain HTTP listener on another port that answers every request with a small file and records the headers
/// it was sent.
fn recording_origin() -> Result<(u16, Received), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 16 * 1024];
            let read = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..read]).into_owned();
            if let Ok(mut seen) = record.lock() {
                seen.push(request);
            }
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            );
        }
    });
    Ok((port, seen))
}

async fn redirect_to_another_origin(world: &World) -> Result<String, String> {
    let (port, seen) = recording_origin()?;
    answer_next(
        world,
        docket_providers::sage_active::KIND,
        "/files/",
        4,
        Failure::redirect(
            StatusCode::FOUND,
            format!("http://127.0.0.1:{port}/elsewhere"),
        ),
    );
    let state = world.server.state();
    let report = state
        .library
        .document_by_path(sample::REPORT_PDF)
        .ok_or("the demo library has the report")?;
    let file = docket_demo::sage_active::catalog::file_id(report);
    let (_bench, finished) = get(world, docket_providers::sage_active::KIND, &file)?;
    bounded(&finished)?;
    let requests = seen.lock().map(|s| s.clone()).unwrap_or_default();
    for request in &requests {
        let lower = request.to_ascii_lowercase();
        for header in [
            "authorization:",
            "x-api-key:",
            "x-tenantid:",
            "x-organizationid:",
            "cookie:",
        ] {
            if lower.contains(header) {
                return Err(format!("`{header}` went to the other origin: {request}"));
            }
        }
    }
    Ok(format!(
        "{}; {} request(s) reached the other origin, none with a credential",
        finished.summary(),
        requests.len()
    ))
}

async fn endless_api_answer(world: &World) -> Result<String, String> {
    answer_next(
        world,
        docket_providers::index_health::KIND,
        "/get-documents",
        8,
        Failure::status(StatusCode::OK)
            .body("application/json", "{\"statusCode\":200,\"data\":[")
            .endless("{\"document_id\":\"x\",\"document_name\":\"x\"},"),
    );
    let finished = list(world, docket_providers::index_health::KIND, "col-finance")?;
    clear_failure(&finished, &["demo-index-health"])
}

async fn deep_json_listing(world: &World) -> Result<String, String> {
    let depth = 100_000;
    let hostile = format!(
        "{{\"statusCode\":200,\"data\":{}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    answer_next(
        world,
        docket_providers::index_health::KIND,
        "/get-documents",
        8,
        Failure::status(StatusCode::OK).body("application/json", hostile),
    );
    let finished = list(world, docket_providers::index_health::KIND, "col-finance")?;
    clear_failure(&finished, &["demo-index-health"])
}

async fn bidi_and_control_names(world: &World) -> Result<String, String> {
    let hostile = "{\"statusCode\":200,\"data\":[{\"document_id\":\"doc-evil\",\"document_name\":\"invoice\u{202e}fdp.exe\\u001b[2J\",\"collection_id\":\"col-finance\",\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":\"2024-01-01T00:00:00Z\"}],\"message\":\"OKAY\"}";
    answer_next(
        world,
        docket_providers::index_health::KIND,
        "/get-documents",
        1,
        Failure::status(StatusCode::OK).body("application/json", hostile),
    );
    let finished = list(world, docket_providers::index_health::KIND, "col-finance")?;
    bounded(&finished)?;
    let stdout = String::from_utf8_lossy(&finished.stdout);
    if stdout.contains('\u{202e}') {
        return Err(format!(
            "the bidi override reached the terminal raw: {stdout}"
        ));
    }
    if finished.code != Some(0) {
        return Err(format!("expected the listing: {}", shown(&finished)));
    }
    let line = stdout
        .lines()
        .find(|l| l.contains("doc-evil"))
        .unwrap_or_default();
    Ok(format!(
        "{}: listed as `{}`",
        finished.summary(),
        line.trim()
    ))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
