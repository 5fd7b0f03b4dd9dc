//! The Svelte UI in `ui/`: dependencies, build, checks.

use std::path::Path;

use crate::process::{in_dir, run};

/// `npm ci` when node_modules is missing or older than the lock file.
pub fn install_dependencies(root: &Path) -> Result<(), String> {
    let ui = root.join("ui");
    let lock = ui.join("package-lock.json");
    let marker = ui.join("node_modules").join(".package-lock.json");
    let fresh = match (modified(&lock), modified(&marker)) {
        (Some(lock_time), Some(installed_time)) => installed_time >= lock_time,
        _ => false,
    };
    if fresh {
        println!("ui dependencies: up to date");
        return Ok(());
    }
    run(in_dir("npm", &ui).args(["ci", "--no-fund", "--no-audit"]))
}

pub fn build(root: &Path) -> Result<(), String> {
    run(in_dir("npm", &root.join("ui")).args(["run", "build"]))
}

pub fn svelte_check(root: &Path) -> Result<(), String> {
    run(in_dir("npm", &root.join("ui")).args(["run", "check"]))
}

pub fn unit_tests(root: &Path) -> Result<(), String> {
    run(in_dir("npm", &root.join("ui")).args(["run", "test"]))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
