//! The `fuzz` phase: each cargo-fuzz target of `docket-fuzz` runs for a short fixed time, seeded with the
//! preview corpus. cargo-fuzz wants nightly rustc flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows
//! them, and `--sanitizer none` keeps to what stable ships (coverage-guided libFuzzer, no ASan: the
//! previewers are safe Rust, so panics, aborts and overflows are what the fuzzer hunts).

use std::path::Path;

use crate::phases::target_dir;
use crate::process::{cargo, cargo_program, run, succeeds};

/// A target in `src-tauri/crates/docket-fuzz/fuzz_targets`: the preview-corpus extensions that seed it (its own
/// seeds in `docket-fuzz/seeds/<name>` are added too), and whether it mutates with the nesting-heavy dictionary
/// (`docket-fuzz/dictionaries/hostile.dict`), which the answer parsers need to reach deep nesting quickly.
struct Target {
    name: &'static str,
    seed_extensions: &'static [&'static str],
    dictionary: bool,
}

const fn target(
    name: &'static str,
    seed_extensions: &'static [&'static str],
    dictionary: bool,
) -> Target {
    Target {
        name,
        seed_extensions,
        dictionary,
    }
}

const TARGETS: &[Target] = &[
    target("csv", &["csv", "txt"], false),
    target("xml", &["xml"], true),
    target("inforouter_xml", &["xml"], true),
    target("api_json", &["json"], true),
    target("file_name", &["txt"], false),
    target("s3_error_xml", &["xml"], true),
    target("content_range", &[], true),
    target("dates", &[], true),
    target("retry_after", &[], true),
    target("download_paths", &[], true),
];
const SECONDS_PER_TARGET: u32 = 20;

pub fn run_targets(root: &Path) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let fuzz_dir = root.join("src-tauri").join("crates").join("docket-fuzz");
    let fuzz_target_dir = target_dir(root).join("fuzz");
    for Target {
        name: target,
        seed_extensions,
        dictionary,
    } in TARGETS
    {
        let corpus = fuzz_target_dir.join("corpus").join(target);
        seed_corpus(
            &root.join("tests").join("preview-corpus"),
            &corpus,
            seed_extensions,
        )?;
        let own_seeds = fuzz_dir.join("seeds").join(target);
        if own_seeds.is_dir() {
            seed_corpus(&own_seeds, &corpus, &["xml", "txt"])?;
        }
        let artifacts = fuzz_target_dir.join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts)
            .map_err(|err| format!("cannot create {}: {err}", artifacts.display()))?;
        let mut command = cargo();
        command
            .current_dir(root)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--sanitizer", "none", "--fuzz-dir"])
            .arg(&fuzz_dir)
            .arg("--target-dir")
            .arg(&fuzz_target_dir)
            .arg(target)
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={SECONDS_PER_TARGET}"))
            .arg(format!(
                "-artifact_prefix={}{}",
                artifacts.display(),
                std::path::MAIN_SEPARATOR
            ))
            .args([
                "-max_len=65536",
                "-rss_limit_mb=2048",
                "-print_final_stats=1",
            ]);
        if *dictionary {
            let dictionary = fuzz_dir.join("dictionaries").join("hostile.dict");
            command.arg(format!("-dict={}", dictionary.display()));
        }
        run(&mut command).map_err(|err| {
            format!(
                "{err}\nthe fuzzer found an input that crashes the `{target}` target: it is saved in {}; \
                 reproduce with `cargo fuzz run --fuzz-dir src-tauri/crates/docket-fuzz {target} <file>`",
                artifacts.display()
            )
        })?;
    }
    Ok(())
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    if succeeds(&cargo_program(), &["fuzz", "--version"]) {
        return Ok(());
    }
    println!("installing cargo-fuzz (once per machine)");
    run(cargo().args(["install", "cargo-fuzz", "--locked"]))
}

/// Copies the committed corpus files with the given extensions into the fuzzer's working corpus.
fn seed_corpus(from: &Path, to: &Path, extensions: &[&str]) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|err| format!("cannot create {}: {err}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|err| format!("cannot read {}: {err}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e));
        if wanted {
            let copy = to.join(entry.file_name());
            std::fs::copy(&path, &copy)
                .map_err(|err| format!("cannot copy {} into the corpus: {err}", path.display()))?;
        }
    }
    Ok(())
}
