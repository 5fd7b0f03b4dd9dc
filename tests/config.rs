//! The app's security configuration as Tauri builds it: the CSP forbids remote and inline scripts, and the
//! window's capability allows exactly the Docket commands the UI calls (each registered in
//! `src-tauri/src/bindings.rs`, which `build.rs` turns into `allow-` permissions) plus the core event channel:
//! no plugin permission, no remote origin, no wildcard.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `module::name` paths inside `collect_commands![...]`, as build.rs reads them.
fn registered_commands() -> BTreeSet<String> {
    let source = read(&root().join("src-tauri/src/bindings.rs"));
    let start = source.find("collect_commands![").unwrap() + "collect_commands![".len();
    let end = start + source[start..].find(']').unwrap();
    source[start..end]
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.rsplit("::").next().unwrap().to_owned())
        .collect()
}

/// `commands.someName(` calls in the UI's sources (tests and the generated bindings excluded), in snake_case.
fn commands_the_ui_calls() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![root().join("ui/src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let source_file = name.ends_with(".svelte") || name.ends_with(".ts");
            if !source_file || name.ends_with(".test.ts") || name == "bindings.ts" {
                continue;
            }
            let text = read(&path);
            for (at, _) in text.match_indices("commands.") {
                let rest = &text[at + "commands.".len()..];
                let ident: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !ident.is_empty() && rest[ident.len()..].starts_with('(') {
                    found.insert(snake_case(&ident));
                }
            }
        }
    }
    found
}

fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn csp_directive(csp: &Value, name: &str) -> Vec<String> {
    let value = match csp {
        Value::Object(map) => map.get(name).cloned().unwrap_or(Value::Null),
        Value::String(text) => text
            .split(';')
            .map(str::trim)
            .find_map(|d| {
                d.strip_prefix(name)
                    .map(|v| Value::String(v.trim().to_owned()))
            })
            .unwrap_or(Value::Null),
        _ => Value::Null,
    };
    match value {
        Value::String(text) => text.split_whitespace().map(str::to_owned).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_csp_allows_scripts_only_from_the_app_itself() {
    let config = json(&root().join("tauri.conf.json"));
    let security = &config["app"]["security"];
    let csp = &security["csp"];
    assert!(!csp.is_null(), "tauri.conf.json sets no CSP");
    assert_eq!(csp_directive(csp, "default-src"), ["'self'"]);
    let scripts = csp_directive(csp, "script-src");
    assert_eq!(scripts, ["'self'"], "script-src: {scripts:?}");
    assert_eq!(csp_directive(csp, "object-src"), ["'none'"]);
    for directive in [
        "default-src",
        "script-src",
        "connect-src",
        "frame-src",
        "child-src",
    ] {
        for source in csp_directive(csp, directive) {
            assert!(
                !(source.contains("unsafe-inline")
                    || source.contains("unsafe-eval")
                    || source == "*"),
                "{directive} allows {source}"
            );
            let remote = source.starts_with("https:")
                || (source.starts_with("http") && !source.contains(".localhost"));
            assert!(!remote, "{directive} allows the remote source {source}");
        }
    }
    // Tauri adds nonces and hashes for its own scripts only while it may modify the CSP; never turned off.
    assert!(
        security["dangerousDisableAssetCspModification"].is_null()
            || security["dangerousDisableAssetCspModification"] == false
    );
    assert!(
        config["app"]["withGlobalTauri"].is_null() || config["app"]["withGlobalTauri"] == false
    );
}

#[test]
fn the_capabilities_allow_exactly_the_commands_the_ui_calls() {
    let registered = registered_commands();
    let used = commands_the_ui_calls();
    assert!(used.len() >= 10, "the UI's calls were found: {used:?}");
    let unregistered: Vec<_> = used.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "the UI calls commands bindings.rs does not register: {unregistered:?}"
    );

    let mut granted = BTreeSet::new();
    let folder = root().join("src-tauri/capabilities");
    for entry in std::fs::read_dir(&folder).unwrap().filter_map(Result::ok) {
        let capability = json(&entry.path());
        let file = entry.file_name().to_string_lossy().into_owned();
        assert!(
            capability["remote"].is_null(),
            "{file} lets remote origins call the app"
        );
        let windows: Vec<&str> = capability["windows"]
            .as_array()
            .map(|w| w.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(windows, ["main"], "{file}: windows");
        for permission in capability["permissions"].as_array().unwrap() {
            let identifier = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .unwrap()
                .to_owned();
            granted.insert(identifier);
        }
    }

    let core: BTreeSet<String> = ["core:event:allow-listen", "core:event:allow-unlisten"]
        .map(str::to_owned)
        .into();
    let expected: BTreeSet<String> = used
        .iter()
        .map(|command| format!("allow-{}", command.replace('_', "-")))
        .chain(core.iter().cloned())
        .collect();
    let extra: Vec<_> = granted.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&granted).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "the capability grants more than the UI uses: {extra:?}; it lacks what the UI calls: {missing:?}"
    );
    let unused: Vec<_> = registered.difference(&used).collect();
    println!("registered commands the UI does not call (denied to the window): {unused:?}");
}

#[test]
fn build_rs_generates_a_permission_for_every_registered_command() {
    let build = read(&root().join("src-tauri/build.rs"));
    assert!(
        build.contains("app_manifest") && build.contains("bindings.rs"),
        "without an app manifest Tauri lets every window call every command"
    );
    let registered = registered_commands();
    assert!(registered.len() >= 10, "{registered:?}");
}
