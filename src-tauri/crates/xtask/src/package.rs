//! `cargo xtask package`: the Debian package (and an RPM) built by Tauri's bundler from a release build of the
//! desktop app and the `docket` command. The bundler is the `@tauri-apps/cli` npm package the UI's lock file pins
//! (installed by `npm ci` from the npm registry), so nothing is downloaded from elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{cargo, run};

/// What `package` leaves in `target/package/`.
pub struct Built {
    pub deb: PathBuf,
    pub version: String,
}

/// Builds the release app and CLI, bundles them, and copies the packages to `target/package/` under the names
/// Debian tools expect (`docket_<version>_amd64.deb`).
pub fn build(root: &Path, target: &Path) -> Result<Built, String> {
    // The package maps target/release/docket to /usr/bin/docket; the bundler builds only the app itself.
    run(cargo().current_dir(root).args([
        "build",
        "--release",
        "--package",
        "docket-cli",
        "--bin",
        "docket",
    ]))?;
    let tauri = root
        .join("ui")
        .join("node_modules")
        .join(".bin")
        .join("tauri");
    if !tauri.exists() {
        return Err(format!(
            "{} is missing: run `npm ci` in ui/ (cargo xtask setup does)",
            tauri.display()
        ));
    }
    let bundles = target.join("release").join("bundle");
    let _ = std::fs::remove_dir_all(&bundles);
    run(Command::new(&tauri)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--bundles", "deb,rpm", "--ci"]))?;

    let version = workspace_version(root)?;
    let out = target.join("package");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let deb = copy_single(
        &bundles.join("deb"),
        "deb",
        &out.join(format!("docket_{version}_amd64.deb")),
    )?;
    let rpm = copy_single(
        &bundles.join("rpm"),
        "rpm",
        &out.join(format!("docket-{version}-1.x86_64.rpm")),
    );
    println!("package: {} ({})", deb.display(), size_text(&deb));
    match rpm {
        Ok(rpm) => println!("package: {} ({})", rpm.display(), size_text(&rpm)),
        Err(problem) => println!("package: no rpm ({problem})"),
    }
    Ok(Built { deb, version })
}

/// The `version` of `[workspace.package]`: the app, the CLI and the package all take theirs from it.
pub fn workspace_version(root: &Path) -> Result<String, String> {
    let manifest = root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let mut in_section = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == "[workspace.package]";
        } else if in_section {
            if let Some(value) = line.strip_prefix("version") {
                let value = value
                    .trim_start()
                    .trim_start_matches('=')
                    .trim()
                    .trim_matches('"');
                if !value.is_empty() {
                    return Ok(value.to_owned());
                }
            }
        }
    }
    Err(format!(
        "{} has no version in [workspace.package]",
        manifest.display()
    ))
}

/// Copies the one `*.extension` file the bundler wrote in `dir` to `to`.
fn copy_single(dir: &Path, extension: &str, to: &Path) -> Result<PathBuf, String> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    let [single] = found.as_slice() else {
        return Err(format!(
            "expected one .{extension} in {}, found {}",
            dir.display(),
            found.len()
        ));
    };
    std::fs::copy(single, to)
        .map_err(|e| format!("{} -> {}: {e}", single.display(), to.display()))?;
    Ok(to.to_path_buf())
}

pub fn size_text(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => format!("{:.1} MiB", meta.len() as f64 / (1024.0 * 1024.0)),
        Err(err) => format!("size unknown: {err}"),
    }
}
